using Celeriac.Interop.Tests.Support;

namespace Celeriac.Cli.Tests;

/// <summary>A test that needs Python Celery beside redis-server: skipped outside CI when either is missing, failing in CI.</summary>
public sealed class CeleryCliTheoryAttribute : TheoryAttribute
{
    public CeleryCliTheoryAttribute()
    {
        if (Prerequisites.SkipReason() is { } reason) Skip = reason;
    }
}

/// <summary>The fact form of <see cref="CeleryCliTheoryAttribute"/>.</summary>
public sealed class CeleryCliFactAttribute : FactAttribute
{
    public CeleryCliFactAttribute()
    {
        if (Prerequisites.SkipReason() is { } reason) Skip = reason;
    }
}

/// <summary>
/// <c>celeriac inspect … --json</c> prints byte for byte what Python's <c>celery inspect … -j</c> prints for the same
/// worker, so a script written for one reads the other; <c>status</c> and <c>purge</c> print the same text.
/// </summary>
public sealed class CeleryCliParityTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    [CeleryCliTheory]
    [InlineData("ping")]
    [InlineData("registered")]
    [InlineData("active")]
    [InlineData("active_queues")]
    [InlineData("query_task", "0d5e2b1c-0000-4000-8000-000000000000")]
    public async Task Inspect_json_is_what_celery_inspect_j_prints(params string[] action)
    {
        string[] args = ["inspect", .. action, "-d", CliCluster.Node, "-t", "5"];

        var ours = await CliRun.RunAsync([.. args, "--json", "-b", cluster.BrokerUrl]);
        var celery = await RunCeleryAsync([.. args, "-j"]);

        ours.ExitCode.Should().Be(0, ours.ToString());
        celery.ExitCode.Should().Be(0, celery.ToString());
        ours.Output.Should().StartWith($"{{\"{CliCluster.Node}\": ").And.Be(celery.Output);
    }

    [CeleryCliTheory]
    [InlineData("rate_limit", "cli.add", "100/s")]
    [InlineData("rate_limit", "no.such.task", "1/s")]
    [InlineData("time_limit", "cli.add", "30", "60")]
    [InlineData("revoke", "7b0c3f4e-0000-4000-8000-000000000001", "7b0c3f4e-0000-4000-8000-000000000002")]
    [InlineData("heartbeat")]
    public async Task Control_json_is_what_celery_control_j_prints(params string[] action)
    {
        string[] args = ["control", .. action, "-d", CliCluster.Node, "-t", "5"];

        var ours = await CliRun.RunAsync([.. args, "--json", "-b", cluster.BrokerUrl]);
        var celery = await RunCeleryAsync([.. args, "-j"]);

        celery.ExitCode.Should().Be(0, celery.ToString());
        ours.Output.Should().StartWith($"[{{\"{CliCluster.Node}\": ").And.Be(celery.Output);
    }

    [CeleryCliFact]
    public async Task Status_text_is_what_celery_status_prints()
    {
        string[] args = ["status", "-d", CliCluster.Node, "-t", "5"];

        var ours = await CliRun.RunAsync([.. args, "-b", cluster.BrokerUrl]);
        var celery = await RunCeleryAsync(args);

        celery.ExitCode.Should().Be(0, celery.ToString());
        ours.Output.Should().Be(celery.Output);
    }

    [CeleryCliFact]
    public async Task Purge_says_what_celery_purge_says_for_some_and_for_no_messages()
    {
        string[] args = ["purge", "-Q", "parity-purge", "-f"];
        async Task FillAsync()
        {
            for (var i = 0; i < 2; i++) await cluster.App.SendTaskAsync("cli.add", [i, i], options: new TaskSendOptions { Queue = "parity-purge" });
        }

        await FillAsync();
        var celery = await RunCeleryAsync(args);
        var celeryNone = await RunCeleryAsync(args);
        await FillAsync();
        var ours = await CliRun.RunAsync([.. args, "-b", cluster.BrokerUrl]);
        var oursNone = await CliRun.RunAsync([.. args, "-b", cluster.BrokerUrl]);

        celery.ExitCode.Should().Be(0, celery.ToString());
        ours.Output.Should().Be("Purged 2 messages from 1 known task queue." + Environment.NewLine).And.Be(celery.Output);
        oursNone.Output.Should().Be(celeryNone.Output);
    }

    private Task<CliRun> RunCeleryAsync(string[] args) => PythonCelery.RunAsync(cluster.BrokerUrl, args);
}
