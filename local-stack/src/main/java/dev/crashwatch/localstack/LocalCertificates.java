package dev.crashwatch.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The secured local stack's TLS material, generated at start with Bouncy Castle: a throw-away
 * certificate authority and one server certificate it signs for {@code 127.0.0.1} and {@code
 * localhost} (the broker's listeners and the registry's HTTPS port share it). Written as PKCS12
 * files with random passwords, each file readable by its owner only; the CA's private key never
 * leaves memory, so nothing else can be signed by it once the stack is up.
 *
 * @param truststore the CA certificate, for clients
 * @param keystore the server's key and certificate chain, for the broker and the registry
 * @param storePassword the password of both stores (the truststore holds no secret, but PKCS12
 *     encrypts certificates with it)
 * @param caCertificate the CA certificate itself
 */
public record LocalCertificates(
    Path truststore, Path keystore, String storePassword, X509Certificate caCertificate) {

  /** The stores' type, for {@code ssl.truststore.type} and the registry client. */
  public static final String STORE_TYPE = "PKCS12";

  private static final Duration VALIDITY = Duration.ofDays(30);
  private static final String SERVER_ALIAS = "server";
  private static final String CA_ALIAS = "crashwatch-local-ca";

  /** Generates the CA and the server certificate and writes both stores under {@code dir}. */
  public static LocalCertificates generate(Path dir) {
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256, random);
      KeyPair caKeys = generator.generateKeyPair();
      KeyPair serverKeys = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name caName = new X500Name("CN=Crashwatch local CA " + now.getEpochSecond());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(
              caName, serial(random), validFrom(now), validTo(now), caName, caKeys.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      ca.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      ca.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate caCert = sign(ca, caKeys);

      X509v3CertificateBuilder server =
          new JcaX509v3CertificateBuilder(
              caCert,
              serial(random),
              validFrom(now),
              validTo(now),
              new X500Name("CN=" + Support.LOOPBACK),
              serverKeys.getPublic());
      server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      server.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      // The broker also connects to itself (controller and inter-broker links), as a client.
      server.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      // Clients verify the host name (Kafka's ssl.endpoint.identification.algorithm=https).
      server.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, Support.LOOPBACK),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      server.addExtension(
          Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCert));
      X509Certificate serverCert = sign(server, caKeys);

      String password = Secrets.randomPassword();
      Files.createDirectories(dir);
      Path truststore = dir.resolve("ca-truststore.p12");
      KeyStore trust = KeyStore.getInstance(STORE_TYPE);
      trust.load(null, null);
      trust.setCertificateEntry(CA_ALIAS, caCert);
      write(trust, truststore, password);

      Path keystore = dir.resolve("server-keystore.p12");
      KeyStore keys = KeyStore.getInstance(STORE_TYPE);
      keys.load(null, null);
      keys.setKeyEntry(
          SERVER_ALIAS,
          serverKeys.getPrivate(),
          password.toCharArray(),
          new Certificate[] {serverCert, caCert});
      write(keys, keystore, password);
      return new LocalCertificates(truststore, keystore, password, caCert);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate the local stack's certificates", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the local stack's certificates to " + dir, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer =
        new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static void write(KeyStore store, Path file, String password)
      throws IOException, GeneralSecurityException {
    try (OutputStream out = Secrets.createOwnerOnly(file)) {
      store.store(out, password.toCharArray());
    }
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(64, random).abs().add(BigInteger.ONE);
  }

  private static Date validFrom(Instant now) {
    // A little slack for clocks that disagree by a few seconds.
    return Date.from(now.minus(Duration.ofMinutes(5)));
  }

  private static Date validTo(Instant now) {
    return Date.from(now.plus(VALIDITY));
  }
}
