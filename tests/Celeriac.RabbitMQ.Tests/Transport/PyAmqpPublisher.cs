using System.Diagnostics;

namespace Celeriac.RabbitMQ.Tests.Transport;

/// <summary>
/// Publishes raw messages with py-amqp (Debian's <c>/usr/bin/python3</c>, the client Celery 5.2.6
/// uses), so tests see exactly what a Python peer puts on the wire — header types included.
/// </summary>
internal static class PyAmqpPublisher
{
    public const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys, json, amqp
        port, vhost, queue, messages = int(sys.argv[1]), sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
        conn = amqp.Connection(host='127.0.0.1:%d' % port, userid='guest', password='guest', virtual_host=vhost)
        conn.connect()
        ch = conn.channel()
        for m in messages:
            headers = m.get('headers')
            if headers is not None and m.get('big'):
                headers['big'] = 2 ** 40  # py-amqp writes ints beyond 32 bits with type 'L'
            props = {'content_type': m.get('content_type', 'application/json'), 'content_encoding': 'utf-8', 'delivery_mode': 2}
            if headers is not None:
                props['application_headers'] = headers
            ch.basic_publish(amqp.Message(m['body'], **props), exchange='', routing_key=queue)
        conn.close()
        """;

    /// <summary>
    /// Publishes <paramref name="messagesJson"/> (a JSON list of <c>{"body", "headers"?, "big"?, "content_type"?}</c>)
    /// to <paramref name="queue"/> through the default exchange.
    /// </summary>
    public static async Task PublishAsync(int port, string vhost, string queue, string messagesJson)
    {
        if (!File.Exists(Python)) throw new InvalidOperationException($"{Python} was not found; the RabbitMQ tests need Debian's Python with py-amqp (apt-get install python3-amqp).");
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", Script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), vhost, queue, messagesJson })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"py-amqp publish failed ({process.ExitCode}): {await errors}");
    }
}
