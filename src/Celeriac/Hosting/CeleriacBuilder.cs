using Celeriac.Beat;
using Celeriac.Hosting.Health;
using Celeriac.Tasks;
using Celeriac.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Celeriac.Hosting;

/// <summary>
/// Configures the Celeriac app of a service collection: tasks, a hosted worker and beat, the
/// transport (<c>UseRedis()</c>, <c>UseRabbitMq()</c>). Returned by
/// <see cref="CeleriacServiceCollectionExtensions.AddCeleriac(IServiceCollection, Action{CeleriacOptions}?)"/>.
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddCeleriac(builder.Configuration.GetSection("Celeriac"))
///     .UseRedis()
///     .AddTask("tasks.add", (int x, int y) => x + y)
///     .AddTask&lt;ProcessOrder&gt;()
///     .AddWorker(w => w.Concurrency = 8);
/// </code>
/// </example>
public sealed class CeleriacBuilder
{
    private readonly CeleriacRegistrations _registrations;

    internal CeleriacBuilder(IServiceCollection services, CeleriacRegistrations registrations)
    {
        Services = services;
        _registrations = registrations;
    }

    /// <summary>The service collection the app is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds a step that sets options; steps run in the order they were added, after configuration binding that came before them.</summary>
    public CeleriacBuilder Configure(Action<CeleriacOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>
    /// Registers a task from a delegate, as <see cref="CeleriacApp.Task(string, Delegate, Action{TaskOptions}?)"/>:
    /// parameters bind from the message, or by type — a parameter whose type is a registered service is
    /// resolved from the run's own DI scope, disposed after the run. Its handle is injectable by name:
    /// <c>[FromKeyedServices("tasks.add")] CeleriacTask add</c>; or ask the app, <c>app.GetTask("tasks.add")</c>.
    /// </summary>
    public CeleriacBuilder AddTask(string name, Delegate function, Action<TaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Register(name, app => app.Task(name, function, configure));
    }

    /// <summary>
    /// Registers a task class (<see cref="ICeleriacTask"/>) under its <see cref="ICeleriacTask.Name"/>; the
    /// class is registered as scoped (unless already registered) and resolved from each run's scope.
    /// Its handle is injectable by name (<c>[FromKeyedServices(ProcessOrder.Name)] CeleriacTask</c>).
    /// </summary>
    public CeleriacBuilder AddTask<TTask>(Action<TaskOptions>? configure = null) where TTask : class, ICeleriacTask =>
        AddTask<TTask>(TTask.Name, configure);

    /// <summary>Registers a task class under <paramref name="name"/>: its one public <c>RunAsync</c> is the body (see <see cref="ICeleriacTask"/>).</summary>
    public CeleriacBuilder AddTask<TTask>(string name, Action<TaskOptions>? configure = null) where TTask : class
    {
        Services.TryAddScoped<TTask>();
        return Register(name, app => app.Task(name, typeof(TTask), configure));
    }

    /// <summary>
    /// Registers a task through the app's typed overloads and makes the typed handle injectable by
    /// its type: <c>AddTaskHandle(app =&gt; app.Task("tasks.add", (int x, int y) =&gt; x + y))</c>, then
    /// inject <c>CeleriacTask&lt;int, int, int&gt;</c>. Two handles of the same type cannot both be
    /// injected by type; inject those by name (keyed <see cref="CeleriacTask"/>) instead.
    /// </summary>
    public CeleriacBuilder AddTaskHandle<THandle>(Func<CeleriacApp, THandle> register) where THandle : class
    {
        ArgumentNullException.ThrowIfNull(register);
        if (_registrations.Handles.ContainsKey(typeof(THandle)))
            throw new InvalidOperationException($"A task handle of type {typeof(THandle).Name} is already registered; inject tasks of the same signature by name, [FromKeyedServices(name)] CeleriacTask.");
        _registrations.Handles[typeof(THandle)] = null!;
        _registrations.Tasks.Add(app => _registrations.Handles[typeof(THandle)] = register(app));
        Services.AddSingleton(sp =>
        {
            sp.GetRequiredService<CeleriacApp>();
            return (THandle)_registrations.Handles[typeof(THandle)];
        });
        return this;
    }

    private CeleriacBuilder Register(string name, Action<CeleriacApp> register)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_registrations.TaskNames.Add(name)) throw new InvalidOperationException($"A task named '{name}' is already registered.");
        _registrations.Tasks.Add(register);
        Services.AddKeyedSingleton(name, (sp, _) => sp.GetRequiredService<CeleriacApp>().GetTask(name));
        return this;
    }

    /// <summary>
    /// Runs a worker as a hosted service: it starts consuming with the host (retrying while the broker
    /// is unreachable) and stops with it in Celery's stages — stop fetching, give reserved messages
    /// back, let running tasks finish, cancel them, requeue what is left — within the host's
    /// <c>HostOptions.ShutdownTimeout</c>, which caps <see cref="WorkerOptions.ShutdownTimeout"/>
    /// and <see cref="WorkerOptions.CancelGracePeriod"/>. Adds the <c>celeriac-worker</c> health check.
    /// </summary>
    /// <param name="configure">Worker settings; defaults come from the app's options (<c>worker_concurrency</c>, …).</param>
    public CeleriacBuilder AddWorker(Action<WorkerOptions>? configure = null)
    {
        var index = _registrations.Workers.Count;
        _registrations.Workers.Add(configure);
        Services.AddSingleton(sp => new CeleriacWorkerService(sp.GetRequiredService<CeleriacApp>(), configure, HostShutdownTimeout.From(sp)));
        Services.AddSingleton<IHostedService>(sp => sp.GetServices<CeleriacWorkerService>().ElementAt(index));
        if (index == 0) Services.AddHealthChecks().AddCheck<WorkerHealthCheck>(CeleriacHealthChecks.Worker, tags: CeleriacHealthChecks.WorkerTags);
        return this;
    }

    /// <summary>
    /// Runs a beat (<see cref="CeleriacApp.CreateBeat"/>) as a hosted service: it joins the election with
    /// the host and releases its lease when the host stops, so a replica takes over at once. Adds the
    /// <c>celeriac-beat</c> health check (healthy as leader and as standby).
    /// </summary>
    public CeleriacBuilder AddBeat(Action<BeatOptions>? configure = null)
    {
        var index = _registrations.Beats.Count;
        _registrations.Beats.Add(configure);
        Services.AddSingleton(sp => new CeleriacBeatService(sp.GetRequiredService<CeleriacApp>(), configure));
        Services.AddSingleton<IHostedService>(sp => sp.GetServices<CeleriacBeatService>().ElementAt(index));
        if (index == 0) Services.AddHealthChecks().AddCheck<BeatHealthCheck>(CeleriacHealthChecks.Beat, tags: CeleriacHealthChecks.BeatTags);
        return this;
    }
}
