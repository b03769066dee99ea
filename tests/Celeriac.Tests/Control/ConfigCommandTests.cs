using System.Text.Json.Nodes;
using Celeriac.Control.Mailbox.Commands;

namespace Celeriac.Tests.Control;

/// <summary><c>conf</c> and <c>report</c>: our settings under Celery's names, secrets masked as Celery masks them.</summary>
public sealed class ConfigCommandTests
{
    [Fact]
    public async Task Conf_without_defaults_shows_only_what_was_set_and_hides_passwords()
    {
        await using var bed = await ControlTestBed.StartAsync(options: o =>
        {
            o.TrackStarted = true;
            o.BrokerTransportOptions["sentinel_password"] = "s3cret";
            o.BrokerTransportOptions["visibility_timeout"] = "60";
        });

        var conf = (await bed.AskAsync("conf", new JsonObject { ["with_defaults"] = false }))!.AsObject();

        conf["task_track_started"]!.GetValue<bool>().Should().BeTrue();
        conf.Should().NotContainKey("task_acks_late");
        conf["broker_transport_options"].Text().Should().Be("""{"sentinel_password":"********","visibility_timeout":"60"}""");
        conf.Text().Should().NotContain("s3cret");
    }

    [Fact]
    public async Task Conf_with_defaults_lists_every_setting()
    {
        await using var bed = await ControlTestBed.StartAsync();

        var conf = (await bed.AskAsync("conf", new JsonObject { ["with_defaults"] = "true" }))!.AsObject();

        conf.Should().ContainKeys("broker_url", "task_acks_late", "worker_prefetch_multiplier", "task_default_queue");
        conf["worker_prefetch_multiplier"]!.GetValue<int>().Should().Be(4);
    }

    [Theory]
    [InlineData("redis://:pw@h:6379/0", "redis://:********@h:6379/0")]
    [InlineData("redis://user:pw@h:6379/0", "redis://user:********@h:6379/0")]
    [InlineData("redis://user@h:6379/0", "redis://user@h:6379/0")]
    [InlineData("redis://h:6379/0", "redis://h:6379/0")]
    [InlineData("memory://", "memory://")]
    public void Urls_lose_their_password_as_kombu_masks_it(string url, string masked) =>
        SettingsMask.Url(url).Should().Be(masked);

    [Theory]
    [InlineData("broker_password")]
    [InlineData("task_default_routing_key")]
    [InlineData("security_key")]
    [InlineData("my_api_token")]
    public void Settings_whose_name_says_secret_are_masked(string key) =>
        SettingsMask.Value(key, "x").Text().Should().Be("\"********\"");

    [Fact]
    public async Task Report_is_celerys_bug_report_layout_with_our_versions_and_masked_settings()
    {
        await using var bed = await ControlTestBed.StartAsync(options: o => o.BrokerTransportOptions["password"] = "pw");

        var text = (await bed.AskAsync("report"))!["ok"]!.GetValue<string>();

        text.Should().StartWith("\nsoftware -> celeriac:").And.Contain("\nplatform -> system:").And.Contain("\nsettings -> transport:memory results:memory://");
        text.Should().Contain("\nbroker_transport_options: {'password': '********'}\n").And.NotContain("'pw'");
    }

    [Fact]
    public async Task Stats_never_shows_the_broker_password()
    {
        await using var bed = await ControlTestBed.StartAsync();
        var info = BrokerInfo.Describe(new CeleriacOptions { BrokerUrl = "redis://bob:pw@127.0.0.1:6381/3" });

        info["hostname"]!.GetValue<string>().Should().Be("127.0.0.1");
        info["userid"]!.GetValue<string>().Should().Be("bob");
        info["virtual_host"]!.GetValue<string>().Should().Be("3");
        info["port"]!.GetValue<int>().Should().Be(6381);
        info.Text().Should().NotContain("pw");
        info.Should().NotContainKey("password");
        (await bed.AskAsync("stats"))!["broker"]!.AsObject().Should().NotContainKey("password");
    }
}
