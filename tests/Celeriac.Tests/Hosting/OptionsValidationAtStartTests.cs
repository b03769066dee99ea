using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Celeriac.Tests.Hosting;

/// <summary>Bad settings stop the host from starting, with a message naming the setting and saying what is allowed.</summary>
public sealed class OptionsValidationAtStartTests
{
    private static async Task<string> StartFailsAsync(IHost host)
    {
        using (host)
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
            return error.Message;
        }
    }

    [Fact]
    public async Task A_broker_url_without_a_scheme_fails_the_start()
    {
        var message = await StartFailsAsync(HostingTestBed.Build(b => b.Configure(o => o.BrokerUrl = "localhost:6379").AddWorker()));
        Assert.Contains("broker_url 'localhost:6379' has no scheme", message);
        Assert.Contains("expected a URL such as redis://localhost:6379/0", message);
    }

    [Fact]
    public async Task A_broker_scheme_with_no_transport_says_which_extension_adds_it()
    {
        var message = await StartFailsAsync(HostingTestBed.Build(b => b.Configure(o => o.BrokerUrl = "redis://:secret@localhost:6379/0")));
        Assert.Contains("broker_url", message);
        Assert.Contains("'redis://'", message);
        Assert.Contains("UseRedis()", message);
        Assert.DoesNotContain("secret", message);
    }

    [Fact]
    public async Task A_worker_concurrency_below_one_fails_the_start()
    {
        var message = await StartFailsAsync(HostingTestBed.Build(b => b.AddWorker(w => w.Concurrency = 0)));
        Assert.Contains("WorkerOptions.Concurrency (worker_concurrency) must be at least 1 (got 0)", message);
    }

    [Fact]
    public async Task A_bad_app_setting_and_a_bad_beat_setting_are_both_reported()
    {
        var message = await StartFailsAsync(HostingTestBed.Build(b => b
            .Configure(o => o.WorkerPrefetchMultiplier = -1)
            .AddBeat(beat => beat.LeaseRenewInterval = TimeSpan.FromSeconds(5))));
        Assert.Contains("worker_prefetch_multiplier must not be negative", message);
        Assert.Contains("BeatOptions.LeaseRenewInterval must be positive and shorter than LeaseDuration", message);
    }

    [Fact]
    public async Task A_configuration_value_that_cannot_be_read_fails_the_start_naming_its_key()
    {
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Celeriac:worker_concurrency"] = "many",
        }).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Microsoft.Extensions.DependencyInjection.CeleriacServiceCollectionExtensions.AddCeleriac(builder.Services, config.GetSection("Celeriac"));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<FormatException>(() => host.StartAsync());
        Assert.Contains("Celeriac:worker_concurrency", error.Message);
    }
}
