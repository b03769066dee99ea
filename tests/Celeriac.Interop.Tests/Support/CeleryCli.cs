using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// Python Celery's own command line as a subprocess, <c>python3 -m celery -A interop_tasks inspect|control …
/// --json</c>, as an operator runs it against the cluster.
/// </summary>
internal sealed class CeleryCli(Endpoints endpoints)
{
    /// <summary>Runs the CLI; its exit code, the JSON it printed (or null) and everything it wrote.</summary>
    public async Task<(int Code, JsonNode? Json, string Output)> RunAsync(params string[] arguments)
    {
        await using var process = ManagedProcess.Start("celery " + string.Join(' ', arguments.Take(2)), Prerequisites.Python,
            ["-m", "celery", "-A", "interop_tasks", .. arguments], Prerequisites.PythonDirectory,
            endpoints.Environment(new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1" }));
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        var line = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.StartsWith('{') || l.StartsWith('['));
        return (code, line is null ? null : CeleryJson.Parse(line), process.Output);
    }

    /// <summary><c>celery inspect ACTION [args] -d NODE --json</c>: the node's reply value.</summary>
    public async Task<JsonNode?> InspectAsync(string node, string action, params string[] arguments)
    {
        var (code, json, output) = await RunAsync(["inspect", action, .. arguments, "-d", node, "--json", "-t", Timeout]);
        code.Should().Be(0, $"celery inspect {action} should get a reply from {node}:\n{output}");
        json.Should().BeOfType<JsonObject>(output).Which.Should().ContainKey(node, output);
        return json![node];
    }

    /// <summary><c>celery control ACTION [args] -d NODE --json</c>: the node's reply value (the CLI prints a list of <c>{node: value}</c>).</summary>
    public async Task<JsonNode?> ControlAsync(string node, string action, params string[] arguments)
    {
        var (code, json, output) = await RunAsync(["control", action, .. arguments, "-d", node, "--json", "-t", Timeout]);
        code.Should().Be(0, $"celery control {action} should get a reply from {node}:\n{output}");
        var reply = json.Should().BeOfType<JsonArray>(output).Which.OfType<JsonObject>().FirstOrDefault(r => r.ContainsKey(node));
        reply.Should().NotBeNull($"{node} should be among the replies:\n{output}");
        return reply![node];
    }

    /// <summary>Generous for a 2-core box shared with other test processes; the CLI stops collecting once the named node replied.</summary>
    private static readonly string Timeout = 10.ToString(CultureInfo.InvariantCulture);
}
