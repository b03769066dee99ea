namespace Celeriac.Cli.Tests;

/// <summary>
/// After Python's <c>celery control rate_limit</c>/<c>time_limit</c>, <c>celery inspect registered rate_limit</c> against
/// a Celeriac worker prints the new values, as against a Celery worker (Celery sets the task's attributes), and
/// <c>celeriac inspect registered</c> prints the same bytes. A fixture of its own: the commands change the worker.
/// </summary>
public sealed class RegisteredLimitsParityTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    [CeleryCliFact]
    public async Task Registered_shows_the_limits_python_celery_set_and_both_clis_print_the_same()
    {
        string[] to = ["-d", CliCluster.Node, "-t", "5"];
        (await PythonCelery.RunAsync(cluster.BrokerUrl, ["control", "rate_limit", "cli.add", "7/m", .. to])).ExitCode.Should().Be(0);
        (await PythonCelery.RunAsync(cluster.BrokerUrl, ["control", "time_limit", "cli.block", "30", "60", .. to])).ExitCode.Should().Be(0);

        string[] registered = ["inspect", "registered", "rate_limit", "time_limit", "soft_time_limit", .. to];
        var celery = await PythonCelery.RunAsync(cluster.BrokerUrl, [.. registered, "-j"]);
        var ours = await CliRun.RunAsync([.. registered, "--json", "-b", cluster.BrokerUrl]);

        celery.ExitCode.Should().Be(0, celery.ToString());
        // The cluster's other tasks (cli.fail, cli.request, …) follow, without limits.
        celery.Output.Should().StartWith($"{{\"{CliCluster.Node}\": [\"cli.add [rate_limit=7/m]\", \"cli.block [time_limit=60.0 soft_time_limit=30.0]\"");
        ours.Output.Should().Be(celery.Output);
    }
}
