using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>
/// NaN, Infinity and -Infinity, which Python's json reads and writes by default, reach tasks as
/// doubles and come back in results as Python writes them, instead of failing the task.
/// </summary>
public sealed class NonFiniteValueTests : IAsyncLifetime
{
    // The body of Celery 5.2.6's send_task('nf.mul', args=[nan, inf, -inf, 1.5],
    // kwargs={'scale': nan, 'values': [inf, 2]}) as json.dumps writes it.
    private const string PythonBody =
        """[[NaN, Infinity, -Infinity, 1.5], {"scale": NaN, "values": [Infinity, 2]}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]""";

    private readonly TestHarness _h = TestHarness.Create();
    private SignalRecorder _signals = null!;

    public async Task InitializeAsync() => (_, _signals) = await _h.StartWorkerAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<ResultMeta> RunPythonMessageAsync(string task)
    {
        var id = Guid.NewGuid().ToString();
        var headers = new JsonObject
        {
            ["lang"] = "py", ["task"] = task, ["id"] = id, ["argsrepr"] = "[nan, inf, -inf, 1.5]",
            ["kwargsrepr"] = "{'scale': nan, 'values': [inf, 2]}",
        };
        _h.Broker.Enqueue("celery", new StoredMessage(
            new BrokerMessage(headers, new MessageProperties { CorrelationId = id }, Encoding.UTF8.GetBytes(PythonBody), ContentTypes.Json),
            DeliveryInfo.ToQueue("celery"), Guid.NewGuid().ToString()));
        await _signals.CompletedAsync(id);
        return await _h.StoredAsync(id);
    }

    [Fact]
    public async Task A_task_bound_to_doubles_receives_NaN_and_the_infinities_from_a_Python_message()
    {
        _h.App.Task("nf.mul", (double a, double b, double c, double d, double scale, List<double> values) =>
            $"{double.IsNaN(a)} {b} {c} {d} {double.IsNaN(scale)} {values[0]} {values[1]}");

        var meta = await RunPythonMessageAsync("nf.mul");

        meta.Status.Should().Be(TaskStates.Success, meta.Exception?.Message);
        meta.Result!.GetValue<string>().Should().Be("True Infinity -Infinity 1.5 True Infinity 2");
    }

    [Fact]
    public async Task Object_and_JsonNode_parameters_see_doubles_not_strings()
    {
        _h.App.Task("nf.mul", (object a, JsonNode b, object c, double d, object scale, object values) =>
            $"{a.GetType().Name}:{a} {b.GetValue<double>()} {c} {scale} {((List<object?>)values)[0]}");

        var meta = await RunPythonMessageAsync("nf.mul");

        meta.Status.Should().Be(TaskStates.Success, meta.Exception?.Message);
        meta.Result!.GetValue<string>().Should().Be("Double:NaN Infinity -Infinity NaN Infinity");
    }

    [Fact]
    public async Task A_result_of_NaN_is_stored_as_Python_writes_it_and_Pythons_json_reads_it_back()
    {
        _h.App.Task("nf.mul", (double a, double b, double c, double d, double scale, List<double> values) =>
            new[] { a, b, c, d * 2, scale, values[0] });

        var meta = await RunPythonMessageAsync("nf.mul");

        meta.Status.Should().Be(TaskStates.Success, meta.Exception?.Message);
        var stored = Encoding.UTF8.GetString(meta.ToUtf8Bytes());
        stored.Should().Contain("\"result\":[NaN,Infinity,-Infinity,3.0,NaN,Infinity]");
        (await PythonReprOfResultAsync(stored)).Should().Be("[nan, inf, -inf, 3.0, nan, inf]");
    }

    [Fact]
    public async Task A_NaN_sent_from_Celeriac_round_trips_through_a_task()
    {
        var half = _h.App.Task("nf.half", (double x) => x / 2);

        var nan = await half.DelayAsync(double.NaN);
        var inf = await half.DelayAsync(double.NegativeInfinity);

        double.IsNaN(await nan.GetAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        (await inf.GetAsync(TimeSpan.FromSeconds(10))).Should().Be(double.NegativeInfinity);
        var drained = InMemoryBroker.Named(_h.Name);
        drained.DeadLetters.Should().BeEmpty();
    }

    [Fact]
    public async Task A_float_NaN_for_a_string_parameter_is_a_TypeError_not_a_marker()
    {
        _h.App.Task("nf.mul", (string a, double b, double c, double d, double scale, object values) => a);

        var meta = await RunPythonMessageAsync("nf.mul");

        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be("TypeError");
    }

    // Python's own json.loads, as a Python client reading the result from Redis would.
    private static async Task<string> PythonReprOfResultAsync(string metaJson)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", "import json, sys; print(repr(json.loads(sys.stdin.read())['result']))"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        await python.StandardInput.WriteAsync(metaJson);
        python.StandardInput.Close();
        var output = await python.StandardOutput.ReadToEndAsync();
        var error = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        python.ExitCode.Should().Be(0, error);
        return output.Trim();
    }
}
