using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Malformed control requests published raw on Redis (bad envelopes, bodies, arguments, clocks,
/// unknown commands) do not stop a Celeriac worker answering Python's CLI. Its own cluster: a Python
/// worker on the same mailbox exchange stops answering after some of these, which would break the
/// other control tests.
/// </summary>
public sealed class ControlMalformedInteropTests(CeleriacWorkerCluster cluster) : IClassFixture<CeleriacWorkerCluster>
{
    private string Node => cluster.Worker.Name["celeriac worker ".Length..];

    private CeleryCli Cli => new(cluster.Endpoints);

    [InteropFact]
    public async Task Malformed_requests_published_on_redis_leave_the_worker_answering()
    {
        static string Envelope(string bodyJson, string headers = """{"clock": 1, "expires": 0}""") =>
            $$$"""{"body": "{{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(bodyJson))}}}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {{{headers}}}, "properties": {"delivery_mode": 2, "delivery_info": {"exchange": "celery.pidbox", "routing_key": ""}, "priority": 0, "body_encoding": "base64", "delivery_tag": "x"}}""";
        string[] garbage =
        [
            "not an envelope",
            """{"body": "%%%not base64", "content-type": "application/json", "properties": {"body_encoding": "base64"}}""",
            Envelope("{not json"),
            Envelope("""["ping"]"""),
            Envelope("""{"arguments": {}}"""),
            Envelope("""{"method": "ping", "arguments": [1]}"""),
            Envelope("""{"method": "ping", "arguments": {}}""", """{"clock": "abc"}"""),
            Envelope("""{"method": "no_such_command", "arguments": {}}"""),
        ];

        foreach (var payload in garbage) await cluster.Broker.CommandAsync("PUBLISH", "/0.celery.pidbox", payload);

        (await Cli.InspectAsync(Node, "ping")).Text().Should().Be("""{"ok":"pong"}""", cluster.Worker.Describe());
    }
}
