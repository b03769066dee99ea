using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// <c>celery control revoke|terminate|rate_limit|time_limit|add_consumer|cancel_consumer|enable_events</c>
/// from Python's CLI against a Celeriac worker and a Python worker: the same replies. These commands
/// are carried out by the revocation, pool and events members of the worker, which other parts of
/// issue 11 implement; on a branch where they are still stubs these tests fail with the
/// <c>NotImplementedException</c> error reply (kept apart from <see cref="ControlCliInteropTests"/> for that reason).
/// </summary>
public abstract class ControlCliDelegatedTests
{
    /// <summary>Python's CLI on the cluster's broker.</summary>
    private protected abstract CeleryCli Cli { get; }

    /// <summary>A Celeriac client on the cluster's broker.</summary>
    private protected abstract CeleriacApp Client { get; }

    /// <summary>The Python worker and the Celeriac worker under test.</summary>
    private protected abstract ControlWorkers Workers { get; }

    private string CeleriacNode => Workers.CeleriacNode;

    private string PythonNode => Workers.PythonNode;

    private async Task<(JsonNode? Ours, JsonNode? Python)> BothAsync(string action, params string[] arguments) =>
        (await Cli.ControlAsync(CeleriacNode, action, arguments), await Cli.ControlAsync(PythonNode, action, arguments));

    [InteropFact]
    public async Task Rate_limit_and_time_limit_reply_as_the_python_worker()
    {
        var (ours, python) = await BothAsync("rate_limit", "interop.add", "10/m");
        ours.Text().Should().Be(python.Text()).And.Be("""{"ok":"new rate limit set successfully"}""");

        (ours, python) = await BothAsync("time_limit", "interop.add", "50", "60");
        ours.Text().Should().Be(python.Text()).And.Be("""{"ok":"time limits set successfully"}""");

        (ours, python) = await BothAsync("rate_limit", "no.such.task", "1/s");
        ours.Text().Should().Be(python.Text());
    }

    [InteropFact]
    public async Task Add_consumer_and_cancel_consumer_reply_as_the_python_worker_and_change_what_is_consumed()
    {
        var (ours, python) = await BothAsync("add_consumer", "ctl.extra");
        ours.Text().Should().Be(python.Text()).And.Be("""{"ok":"add consumer ctl.extra"}""");
        var queues = (await Cli.InspectAsync(CeleriacNode, "active_queues"))!.AsArray().Select(q => q!["name"]!.GetValue<string>());
        queues.Should().Contain("ctl.extra");

        (ours, python) = await BothAsync("cancel_consumer", "ctl.extra");
        ours.Text().Should().Be(python.Text()).And.Be("""{"ok":"no longer consuming from ctl.extra"}""");
    }

    [InteropFact]
    public async Task Revoke_replies_as_the_python_worker_and_the_id_is_listed_as_revoked()
    {
        var id = Guid.NewGuid().ToString();

        var ours = await Cli.ControlAsync(CeleriacNode, "revoke", id);
        var python = await Cli.ControlAsync(PythonNode, "revoke", id);

        ours.Text().Should().Be(python.Text()).And.Be($$"""{"ok":"tasks {{id}} flagged as revoked"}""");
        (await Cli.InspectAsync(CeleriacNode, "revoked"))!.AsArray().Select(n => n!.GetValue<string>()).Should().Contain(id);
    }

    [InteropFact]
    public async Task Terminate_of_a_running_task_replies_as_the_python_worker()
    {
        // Sleeps far longer than the poll may take on a loaded box: the test terminates it, so it must still run then.
        var ourTask = await Client.SendTaskAsync("interop.sleep", [300], options: new TaskSendOptions { Queue = ControlWorkers.CeleriacQueue });
        await Poll.UntilAsync(async () => (await Cli.InspectAsync(CeleriacNode, "active"))!.AsArray().Count > 0,
            TimeSpan.FromSeconds(30), () => "the task should be running");

        var ours = await Cli.ControlAsync(CeleriacNode, "terminate", "SIGTERM", ourTask.Id);
        var unknown = await Cli.ControlAsync(PythonNode, "terminate", "SIGTERM", Guid.NewGuid().ToString());

        ours.Text().Should().Be($$"""{"ok":"terminate: {{ourTask.Id}}"}""");
        unknown.Text().Should().Be("""{"ok":"terminate: tasks unknown"}""");
        (await Cli.ControlAsync(CeleriacNode, "terminate", "SIGTERM", Guid.NewGuid().ToString())).Text().Should().Be(unknown.Text());
    }

    [InteropFact]
    public async Task Enable_and_disable_events_reply_in_celerys_texts()
    {
        // The fixture's Python worker runs without an event dispatcher (it answers AttributeError), so
        // the texts are Celery's control.py ones: the worker starts without task events.
        (await Cli.ControlAsync(CeleriacNode, "enable_events")).Text().Should().Be("""{"ok":"task events enabled"}""");
        (await Cli.ControlAsync(CeleriacNode, "enable_events")).Text().Should().Be("""{"ok":"task events already enabled"}""");
        (await Cli.ControlAsync(CeleriacNode, "disable_events")).Text().Should().Be("""{"ok":"task events disabled"}""");
        (await Cli.ControlAsync(CeleriacNode, "disable_events")).Text().Should().Be("""{"ok":"task events already disabled"}""");
    }
}
