#!/usr/bin/python3
"""Confluent's own Python Avro client as a peer for the Java serde's interop test (ConfluentInteropIT).

Uses Debian's python3-confluent-kafka 1.7.0: confluent_kafka.avro (AvroProducer, AvroConsumer,
MessageSerializer, CachedSchemaRegistryClient) on top of python3-avro. Every wait is bounded.

  consume --bootstrap B --registry R --topic T --count N [--timeout S]
      AvroConsumer from the earliest offset; prints each value as one JSON line.
  produce --bootstrap B --registry R --topic T --schema FILE [--timeout S]
      AvroProducer; reads one JSON record per stdin line; prints {"schema_id": id} that it registered.
  encode --registry R --schema-id ID
      MessageSerializer.encode_record_with_schema_id for each JSON record on stdin; prints hex lines.
"""
import argparse
import json
import sys
import time
import uuid

from confluent_kafka import KafkaError
from confluent_kafka.avro import AvroConsumer, AvroProducer, CachedSchemaRegistryClient, load
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def records_from_stdin():
    return [json.loads(line) for line in sys.stdin if line.strip()]


def consume(args):
    consumer = AvroConsumer({
        'bootstrap.servers': args.bootstrap,
        'schema.registry.url': args.registry,
        'group.id': 'confluent-peer-' + str(uuid.uuid4()),
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
    })
    consumer.subscribe([args.topic])
    deadline = time.monotonic() + args.timeout
    seen = 0
    try:
        while seen < args.count:
            if time.monotonic() > deadline:
                print('timed out after %ss with %d of %d records' % (args.timeout, seen, args.count),
                      file=sys.stderr)
                return 2
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                print('consumer error: %s' % msg.error(), file=sys.stderr)
                return 3
            print(json.dumps(msg.value(), sort_keys=True), flush=True)
            seen += 1
    finally:
        consumer.close()
    return 0


def produce(args):
    schema = load(args.schema)
    producer = AvroProducer({
        'bootstrap.servers': args.bootstrap,
        'schema.registry.url': args.registry,
    }, default_value_schema=schema)
    for record in records_from_stdin():
        producer.produce(topic=args.topic, value=record, key=None)
    remaining = producer.flush(args.timeout)
    if remaining:
        print('%d records not delivered within %ss' % (remaining, args.timeout), file=sys.stderr)
        return 2
    # The id the producer registered: its client caches it, so asking again costs nothing there;
    # a second client asks the registry, which answers with the same id for the same text.
    registry = CachedSchemaRegistryClient({'url': args.registry})
    print(json.dumps({'schema_id': registry.register(args.topic + '-value', schema),
                      'registered_text': str(schema)}))
    return 0


def encode(args):
    serializer = MessageSerializer(CachedSchemaRegistryClient({'url': args.registry}))
    for record in records_from_stdin():
        print(serializer.encode_record_with_schema_id(args.schema_id, record).hex())
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    for name in ('consume', 'produce'):
        p = sub.add_parser(name)
        p.add_argument('--bootstrap', required=True)
        p.add_argument('--registry', required=True)
        p.add_argument('--topic', required=True)
        p.add_argument('--timeout', type=float, default=30.0)
    sub.choices['consume'].add_argument('--count', type=int, required=True)
    sub.choices['produce'].add_argument('--schema', required=True)
    p = sub.add_parser('encode')
    p.add_argument('--registry', required=True)
    p.add_argument('--schema-id', type=int, required=True)
    args = parser.parse_args()
    return {'consume': consume, 'produce': produce, 'encode': encode}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
