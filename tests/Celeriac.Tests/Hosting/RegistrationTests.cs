using System.Diagnostics.Metrics;
using Celeriac.Control;
using Celeriac.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Celeriac.Tests.Hosting;

/// <summary>What AddCeleriac registers and how a .NET user gets the app, task handles and the control client.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public async Task The_app_control_and_task_handles_are_injectable()
    {
        using var host = HostingTestBed.Build(b => b
            .AddTask("tasks.untyped", (int x, int y) => x * y)
            .AddTaskHandle(app => app.Task("tasks.add", (int x, int y) => x + y))
            .AddWorker());
        await host.StartAsync();

        var app = host.Services.GetRequiredService<CeleriacApp>();
        Assert.Same(app.Control, host.Services.GetRequiredService<CeleriacControl>());
        Assert.Same(app, app.Services!.GetRequiredService<CeleriacApp>()); // the app's services are the host's root provider

        var add = host.Services.GetRequiredService<CeleriacTask<int, int, int>>();
        Assert.Equal(5, await (await add.DelayAsync(2, 3)).GetAsync(HostingTestBed.Wait));

        var mul = host.Services.GetRequiredKeyedService<Celeriac.Tasks.CeleriacTask>("tasks.untyped");
        Assert.Equal(6, await (await mul.DelayAsync(2, 3)).GetAsync<int>(HostingTestBed.Wait));
        Assert.Equal("tasks.untyped", app.GetTask("tasks.untyped").Name);
        var missing = Assert.Throws<KeyNotFoundException>(() => app.GetTask("tasks.nope"));
        Assert.Contains("tasks.add", missing.Message);
        await host.StopAsync();
    }

    [Fact]
    public void The_app_logs_and_measures_through_the_host()
    {
        using var host = HostingTestBed.Build(_ => { }, services: s => s.AddMetrics());
        var app = host.Services.GetRequiredService<CeleriacApp>();
        Assert.Same(host.Services.GetRequiredService<ILoggerFactory>(), app.Options.LoggerFactory);
        Assert.Same(host.Services.GetRequiredService<IMeterFactory>(), app.Options.MeterFactory);
    }

    [Fact]
    public void A_logger_factory_set_in_the_options_is_kept()
    {
        using var own = LoggerFactory.Create(_ => { });
        using var host = HostingTestBed.Build(b => b.Configure(o => o.LoggerFactory = own));
        Assert.Same(own, host.Services.GetRequiredService<CeleriacApp>().Options.LoggerFactory);
    }

    [Fact]
    public async Task A_configuration_section_binds_Celery_names_and_dotnet_names()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Celeriac:broker_url"] = "memory://config-binding",
            ["Celeriac:DefaultQueue"] = "orders",
            ["Celeriac:task_acks_late"] = "true",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddCeleriac(config.GetSection("Celeriac"), o => o.WorkerConcurrency = 3);
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<CeleriacApp>().Options;
        Assert.Equal("memory://config-binding", options.BrokerUrl);
        Assert.Equal("orders", options.DefaultQueue);
        Assert.True(options.AcksLate);
        Assert.Equal(3, options.WorkerConcurrency);
    }

    [Fact]
    public async Task Calling_AddCeleriac_twice_adds_to_one_app()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddCeleriac(o => o.BrokerUrl = "memory://twice").AddTask("a.one", () => 1);
        services.AddCeleriac(o => o.DefaultQueue = "second").AddTask("a.two", () => 2);
        await using var provider = services.BuildServiceProvider();
        var app = provider.GetRequiredService<CeleriacApp>();
        Assert.Equal("memory://twice", app.Options.BrokerUrl);
        Assert.Equal("second", app.Options.DefaultQueue);
        Assert.Equal("a.two", app.GetTask("a.two").Name);
        Assert.Throws<InvalidOperationException>(() => services.AddCeleriac().AddTask("a.one", () => 3));
    }

    [Fact]
    public async Task A_task_class_without_one_RunAsync_is_refused_with_the_rule()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddCeleriac().AddTask<NoRunMethod>("bad.class");
        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<CeleriacApp>());
        Assert.Contains("exactly one public instance method RunAsync", error.Message);
    }

    public sealed class NoRunMethod
    {
        public int Run() => 1;
    }
}
