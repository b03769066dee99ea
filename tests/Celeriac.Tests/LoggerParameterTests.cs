using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Tests;

/// <summary>
/// A task's <c>ILogger</c> / <c>ILogger&lt;T&gt;</c> parameter comes from the app's logger factory,
/// with or without a service provider, and is a null logger when the app has none.
/// </summary>
public sealed class LoggerParameterTests
{
    private sealed class Mailer;

    private sealed class OnlyLoggerFactory(ILoggerFactory factory) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(ILoggerFactory) ? factory : null;
    }

    private static void Register(CeleriacApp app)
    {
        app.Task("log.typed", (int n, ILogger<Mailer> log) => { log.LogInformation("typed {N}", n); return log.GetType().Name; });
        app.Task("log.plain", (int n, ILogger log) => { log.LogWarning("plain {N}", n); return n; });
    }

    private static async Task<ResultMeta> RunAsync(CeleriacTestHarness h, string name, int n)
    {
        var sent = await h.App.SendTaskAsync(name, [n]);
        return await h.WaitForTaskAsync(sent.Id);
    }

    [Fact]
    public async Task ILogger_and_ILogger_of_T_parameters_log_through_the_apps_logger_factory_without_services()
    {
        var logs = new RecordingLoggerFactory();
        await using var h = CeleriacTestHarness.Create(o => o.LoggerFactory = logs);
        Register(h.App);
        await h.StartWorkerAsync();

        (await RunAsync(h, "log.typed", 1)).Status.Should().Be(TaskStates.Success);
        (await RunAsync(h, "log.plain", 2)).Status.Should().Be(TaskStates.Success);

        logs.Entries.Should().Contain(("Celeriac.Tests.LoggerParameterTests.Mailer", LogLevel.Information, "typed 1"));
        logs.Entries.Should().Contain(("log.plain", LogLevel.Warning, "plain 2"), "a plain ILogger is named after the task");
    }

    [Fact]
    public async Task Without_an_app_logger_factory_the_services_one_is_used()
    {
        var logs = new RecordingLoggerFactory();
        await using var h = CeleriacTestHarness.Create(services: new OnlyLoggerFactory(logs));
        Register(h.App);
        await h.StartWorkerAsync();

        (await RunAsync(h, "log.typed", 3)).Status.Should().Be(TaskStates.Success);
        (await RunAsync(h, "log.plain", 4)).Status.Should().Be(TaskStates.Success);

        logs.Entries.Select(e => e.Message).Should().Contain(["typed 3", "plain 4"]);
    }

    [Fact]
    public async Task With_no_logger_factory_anywhere_the_task_gets_a_null_logger_and_runs()
    {
        await using var h = CeleriacTestHarness.Create();
        Register(h.App);
        await h.StartWorkerAsync();

        var typed = await RunAsync(h, "log.typed", 5);
        var plain = await RunAsync(h, "log.plain", 6);

        typed.Status.Should().Be(TaskStates.Success);
        plain.Status.Should().Be(TaskStates.Success);
        plain.Result!.GetValue<int>().Should().Be(6);
        h.App.Options.LoggerFactory.Should().BeSameAs(NullLoggerFactory.Instance);
    }

    [Fact]
    public void A_logger_parameter_is_not_a_message_argument()
    {
        var app = CeleriacApp.Create();

        // Loggers anywhere: untyped registration. Last: a typed handle whose send takes the int alone.
        var task = app.Task("log.only", (Delegate)((ILogger<Mailer> log, ILogger plain, int n) => n));
        Tasks.CeleriacTask<int, int> typed = app.Task("log.last", (int n, ILogger<Mailer> log) => n);

        app.Tasks.Find("log.only")!.Invoker.ArgumentParameters.Select(p => p.Name).Should().Equal("n");
        app.Tasks.Find("log.last")!.Invoker.ArgumentParameters.Select(p => p.Name).Should().Equal("n");
        task.Name.Should().Be("log.only");
        typed.Name.Should().Be("log.last");
    }
}
