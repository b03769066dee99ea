using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary><c>celeriac report</c>: Celery's <c>celery report</c> layout, secrets masked; <c>--workers</c> adds each worker's report.</summary>
public sealed class ReportCommandTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    private static readonly string[] Secret = ["-b", "redis://:s3cret@127.0.0.1:1/0", "--result-backend", "redis://user:pw0rd@127.0.0.1:1/1"];

    [Fact]
    public async Task Report_prints_versions_platform_and_settings_with_secrets_masked_without_connecting()
    {
        var run = await CliRun.RunAsync(["report", .. Secret]);
        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().StartWith("\nsoftware -> celeriac:").And.Contain(" .net:" + Environment.Version)
            .And.Contain("\nplatform -> system:").And.Contain(" arch:")
            .And.Contain("\nloader   -> Celeriac.CeleriacApp\n")
            .And.Contain("\nsettings -> transport:redis results:redis://user:**@127.0.0.1:1/1\n")
            .And.Contain("\nbroker_url: 'redis://:********@127.0.0.1:1/0'\n")
            .And.Contain("\nresult_backend: 'redis://user:********@127.0.0.1:1/1'\n")
            .And.NotContain("s3cret").And.NotContain("pw0rd");
    }

    [Fact]
    public async Task Report_json_has_the_same_fields_masked()
    {
        var run = await CliRun.RunAsync(["report", "--json", .. Secret]);
        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().NotContain("s3cret").And.NotContain("pw0rd");
        var json = JsonNode.Parse(run.Output)!;
        json["software"]!["celeriac"]!.GetValue<string>().Should().NotBeEmpty();
        json["transport"]!.GetValue<string>().Should().Be("redis");
        json["results"]!.GetValue<string>().Should().Be("redis://user:**@127.0.0.1:1/1");
        json["settings"]!["broker_url"]!.GetValue<string>().Should().Be("redis://:********@127.0.0.1:1/0");
        json.AsObject().ContainsKey("workers").Should().BeFalse();
    }

    [RedisFact]
    public async Task Report_workers_adds_each_workers_own_report_as_text_and_json()
    {
        var text = await CliRun.RunAsync("report", "--workers", "-b", cluster.BrokerUrl, "-d", CliCluster.Node);
        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().StartWith("\nsoftware -> celeriac:").And.Contain(CliCluster.Node).And.EndWith("1 node online.\n");
        text.Output.Split("software -> celeriac:").Should().HaveCount(3, "ours and the worker's");

        var json = await CliRun.RunAsync("report", "--workers", "-b", cluster.BrokerUrl, "-d", CliCluster.Node, "--json");
        json.ExitCode.Should().Be(0, json.ToString());
        JsonNode.Parse(json.Output)!["workers"]![CliCluster.Node]!["ok"]!.GetValue<string>().Should().Contain("software -> celeriac:");
    }

    [RedisFact]
    public async Task Report_workers_with_nobody_answering_exits_3()
    {
        await using var redis = await RedisServer.StartAsync();
        var run = await CliRun.RunAsync("report", "--workers", "-b", redis.Url(), "-t", "0.3");
        run.ExitCode.Should().Be(3, run.ToString());
    }
}
