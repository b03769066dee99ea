using System.Diagnostics;
using System.Globalization;

namespace Celeriac.RabbitMQ.Tests.Broadcast;

/// <summary>
/// Declares the event, mailbox and reply entities with Python Celery 5.2.6's own classes (Debian's
/// <c>/usr/bin/python3</c>): <c>app.events.Receiver(...).queue</c>, <c>app.control.mailbox.get_queue</c>,
/// <c>get_reply_queue</c>, and the reply exchange as <c>Mailbox._publish_reply</c> declares it before each
/// reply — so a test sees whether Python's declarations and ours are equivalent (no 406).
/// </summary>
internal static class PyCeleryDeclarations
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys
        from celery import Celery
        from kombu import Exchange
        import kombu.pidbox
        url, receiver_id, node, oid = sys.argv[1:5]
        app = Celery('py', broker=url)
        kombu.pidbox.Mailbox.oid = property(lambda self: oid)
        with app.connection_for_write() as conn:
            ch = conn.default_channel
            app.events.Receiver(conn, node_id=receiver_id, routing_key='#').queue(ch).declare()
            mailbox = app.control.mailbox(conn)
            mailbox.get_queue(node)(ch).declare()
            mailbox.get_reply_queue()(ch).declare()
            Exchange(mailbox.reply_exchange.name, exchange_type='direct', delivery_mode='transient', durable=False)(ch).declare()
        print('declared')
        """;

    /// <summary>
    /// Declares <c>celeryev.&lt;receiverId&gt;</c>, <c>&lt;node&gt;.celery.pidbox</c> and
    /// <c>&lt;oid&gt;.reply.celery.pidbox</c> with their exchanges and bindings.
    /// </summary>
    /// <exception cref="InvalidOperationException">Python failed, e.g. with PreconditionFailed (406).</exception>
    public static async Task DeclareAsync(string url, string receiverId, string node, string oid)
    {
        if (!File.Exists(Python)) throw new InvalidOperationException($"{Python} was not found; these tests need Debian's Python with Celery 5.2.6 (python3-celery).");
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", Script, url, receiverId, node, oid }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var (stdout, stderr) = (await output, await errors);
        if (process.ExitCode != 0 || !stdout.Contains("declared", StringComparison.Ordinal))
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Celery's declarations failed ({process.ExitCode}): {stderr}"));
    }
}
