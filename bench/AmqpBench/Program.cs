using System.Globalization;
using AmqpBench;

// Usage:
//   AmqpBench ceiling <amqp-url> <queue> <count> [prefetch] [ack-batch]
//       a bare RabbitMQ.Client consumer that acks in batches and does nothing else: the machine's ceiling
//   AmqpBench publish <amqp-url> <count> <confirm: true|false> [in-flight]
//       a Celeriac producer sending <count> bench.noop, <in-flight> sends awaited at a time
// Each prints one JSON line: {"seconds": s, "rate": per second}.
static int Arg(string[] args, int index, int fallback) =>
    args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

var (seconds, count) = args[0] switch
{
    "ceiling" => (await BareConsumer.DrainAsync(args[1], args[2], Arg(args, 3, 0), Arg(args, 4, 2000), Arg(args, 5, 500)), Arg(args, 3, 0)),
    "publish" => (await Producer.PublishAsync(args[1], Arg(args, 2, 0), bool.Parse(args[3]), Arg(args, 4, 1)), Arg(args, 2, 0)),
    _ => throw new ArgumentException($"unknown command {args[0]}"),
};
Console.WriteLine(FormattableString.Invariant($"{{\"seconds\": {seconds:0.####}, \"rate\": {count / seconds:0.#}}}"));
