using Celeriac.Configuration;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Tests.Pool;

/// <summary>The autoscale bounds bind as Celery's <c>--autoscale MAX,MIN</c> reads them and reach the worker's options.</summary>
public sealed class AutoscaleSettingsTests
{
    private static CeleriacOptions Bind(string key, string value) =>
        CeleriacConfiguration.Bind(new CeleriacOptions(), new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)]).Build());

    [Theory]
    [InlineData("worker_autoscale", "10,3", 10, 3)]
    [InlineData("autoscale", "10", 10, 0)]
    [InlineData("WorkerAutoscale", " 4 , 1 ", 4, 1)]
    [InlineData("autoscale", "6,", 6, 0)]
    public void Max_comma_min_binds_with_min_defaulting_to_zero(string key, string value, int max, int min) =>
        Bind(key, value).WorkerAutoscale.Should().Be((max, min));

    [Fact]
    public void None_turns_it_off_and_garbage_is_a_clear_error()
    {
        Bind("worker_autoscale", "None").WorkerAutoscale.Should().BeNull();
        var bad = () => Bind("worker_autoscale", "ten,one");
        bad.Should().Throw<FormatException>().WithMessage("*worker_autoscale*ten,one*");
    }

    [Fact]
    public void The_keepalive_binds_in_seconds_and_bad_bounds_fail_validation()
    {
        Bind("worker_autoscale_keepalive", "12.5").WorkerAutoscaleKeepalive.Should().Be(TimeSpan.FromSeconds(12.5));
        var options = new CeleriacOptions { BrokerUrl = "memory://x", WorkerAutoscale = (2, 5) };
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*worker_autoscale 2,5*");
    }

    [Fact]
    public async Task The_app_settings_reach_the_worker()
    {
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = $"memory://{Guid.NewGuid():N}";
            o.WorkerAutoscale = (6, 2);
            o.WorkerAutoscaleKeepalive = TimeSpan.FromSeconds(9);
        });
        await using var worker = app.CreateWorker();
        worker.Options.Autoscale.Should().Be((6, 2));
        worker.Options.AutoscaleKeepalive.Should().Be(TimeSpan.FromSeconds(9));
        worker.Concurrency.Should().Be(2);
        worker.Options.PrefetchLimit.Should().Be(6 * worker.Options.PrefetchMultiplier);
    }
}
