using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>
/// A failing task with a huge argument must not store or log that argument again: .NET puts the
/// input into messages such as FormatException's, and the traceback repeats the message.
/// </summary>
public sealed class HugeFailureTests : IAsyncLifetime
{
    private const int ArgumentLength = 5 * 1024 * 1024;
    private readonly CapturedLogs _logs = new();
    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    private readonly TestHarness _h;

    public HugeFailureTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        _h = TestHarness.Create(o => o.LoggerFactory = _logs);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_task_failing_on_a_multi_megabyte_argument_stores_and_logs_a_bounded_failure()
    {
        // long.Parse puts its whole input into the FormatException's message.
        _h.App.Task("huge.parse", (string text, long y) => long.Parse(text, System.Globalization.CultureInfo.InvariantCulture) + y);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await _h.App.SendTaskAsync("huge.parse", [new string('y', ArgumentLength), 1]);
        await signals.CompletedAsync(r.Id, TimeSpan.FromSeconds(60));

        var meta = await _h.StoredAsync(r.Id);
        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be("FormatException");
        meta.Exception.Message.Should().StartWith("The input string 'yyy");
        meta.Exception.Message.Length.Should().BeLessThan(5_000);
        meta.Traceback.Should().Contain("FormatException").And.Contain(" at ", "the stack trace is kept");
        meta.Traceback!.Length.Should().BeLessThan(40_000);
        meta.ToUtf8Bytes().Length.Should().BeLessThan(48_000, "the stored result holds neither the argument nor its repeat");

        var failed = _logs.Lines.Where(l => l.Contains(r.Id, StringComparison.Ordinal)).ToArray();
        failed.Should().Contain(l => l.Contains("FormatException", StringComparison.Ordinal));
        _logs.Lines.Should().OnlyContain(l => l.Length < 8_000, "no log line repeats the argument");
        _output.WriteLine($"stored {meta.ToUtf8Bytes().Length} bytes (traceback {meta.Traceback.Length} characters); longest log line {_logs.Lines.Max(l => l.Length)} characters");
    }

    [Fact]
    public void A_failure_with_many_huge_arguments_keeps_a_bounded_message_and_traceback()
    {
        var big = new string('z', 1_000_000);
        var ex = new ManyArguments(new JsonArray(big, big, new JsonArray(big), new JsonObject { ["k"] = big }, 7));

        var info = Exceptions.ExceptionInfoFactory.From(ex);
        var traceback = Exceptions.ExceptionInfoFactory.Traceback(ex);

        info.ToJson().ToJsonString().Length.Should().BeLessThan(8_000);
        info.Type.Should().Be("HugeError");
        traceback.Length.Should().BeLessThan(40_000);
    }

    private sealed class ManyArguments(JsonArray args) : Exceptions.CeleryException("HugeError", "tasks", "huge")
    {
        public override JsonArray ExcArguments => args;
    }
}
