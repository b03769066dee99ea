using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Memory;
using Celeriac.Tasks;
using Celeriac.Transport;
using Celeriac.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac;

/// <summary>
/// A Celeriac application: settings, registered tasks, the broker and result backend, and the way
/// to send tasks and run workers. Wire-compatible with Python Celery.
/// </summary>
/// <example>
/// <code>
/// var app = CeleriacApp.Create(o => o.ResultBackend = "memory://");
/// var add = app.Task("tasks.add", (int x, int y) => x + y);
/// AsyncResult&lt;int&gt; r = await add.DelayAsync(2, 2);
/// await using var worker = app.CreateWorker();
/// await worker.StartAsync();
/// int four = await r.GetAsync(TimeSpan.FromSeconds(10));
/// </code>
/// </example>
public sealed partial class CeleriacApp : IAsyncDisposable
{
    private readonly LazyUntilSuccess<ITransport> _transport;
    private readonly LazyUntilSuccess<IResultBackend> _backend;
    private readonly LazyUntilSuccess<IResultBackend> _eagerBackend;
    private readonly Func<Type, bool> _isService;

    /// <summary>Creates an app from settings; <paramref name="services"/> supplies task dependencies.</summary>
    public CeleriacApp(CeleriacOptions options, IServiceProvider? services = null)
    {
        options.Validate();
        Options = options;
        Services = services;
        var probe = services?.GetService<IServiceProviderIsService>();
        _isService = type => type == typeof(IServiceProvider) || (probe?.IsService(type) ?? false);
        _transport = new(() => Options.Providers.CreateTransport(Context("broker_url", Options.BrokerUrl)));
        _backend = new(() => CeleriacOptions.IsDisabled(Options.ResultBackend)
            ? DisabledResultBackend.Instance
            : Options.Providers.CreateBackend(Context("result_backend", Options.ResultBackend!)));
        _eagerBackend = new(() => Options.StoreEagerResult
            ? Backend
            : new InMemoryResultStore().CreateBackend(Options.TimeProvider, Options.ResultExpires));
        Metrics = new Diagnostics.CeleriacMetrics(options.MeterFactory);
        Publisher = new TaskPublisher(this);
        Executor = new TaskExecutor(this);
        Recorder = new ResultRecorder(options);
        Continuation = new CanvasContinuation(this);
        Canvas.WorkerBuiltinTasks.Register(this);
        Canvas.Builtins.BuiltinCanvasTasks.Register(this);
    }

    /// <summary>Creates an app, letting <paramref name="configure"/> set the options first.</summary>
    public static CeleriacApp Create(Action<CeleriacOptions>? configure = null, IServiceProvider? services = null)
    {
        var options = new CeleriacOptions();
        configure?.Invoke(options);
        return new CeleriacApp(options, services);
    }

    /// <summary>The settings.</summary>
    public CeleriacOptions Options { get; }

    /// <summary>Where task parameters that are services come from; null when tasks take none.</summary>
    public IServiceProvider? Services { get; }

    /// <summary>The registered tasks.</summary>
    internal TaskRegistry Tasks { get; } = new();

    /// <summary>The broker, created on first use from <see cref="CeleriacOptions.BrokerUrl"/>.</summary>
    internal ITransport Transport => _transport.Value;

    /// <summary>The result backend, created on first use from <see cref="CeleriacOptions.ResultBackend"/>.</summary>
    internal IResultBackend Backend => _backend.Value;

    /// <summary>True once the broker or the backend has been created, after which changing their URLs has no effect.</summary>
    internal bool IsConnected => _transport.IsValueCreated || _backend.IsValueCreated;

    internal TaskPublisher Publisher { get; }

    internal TaskExecutor Executor { get; }

    internal ResultRecorder Recorder { get; }

    internal CanvasContinuation Continuation { get; }

    /// <summary>The app's meter and instruments (Diagnostics/CeleriacMetrics.cs).</summary>
    internal Diagnostics.CeleriacMetrics Metrics { get; }

    /// <summary>This process's Lamport clock (Celery's <c>app.clock</c>), shared by its worker, events and control (docs/protocol.md §6.2).</summary>
    internal Protocol.Events.LamportClock Clock { get; } = new();

    /// <summary>
    /// Registers a task from any delegate (any arity, sync or async, with or without a result) and
    /// returns an untyped handle. A lambda with typed parameters picks a typed overload instead,
    /// whose handle checks argument types at compile time; cast to <see cref="Delegate"/> to come
    /// here when the task takes a service or a <see cref="TaskContext"/> between its arguments.
    /// </summary>
    /// <param name="name">Stable task name, e.g. <c>tasks.send_email</c>; Python peers use the same string.</param>
    /// <param name="function">The task body. Parameters bind from the message's args and kwargs, or by type (<see cref="TaskContext"/>, <see cref="CancellationToken"/>, <see cref="TaskArguments"/>, <c>ILogger</c>/<c>ILogger&lt;T&gt;</c> from <see cref="CeleriacOptions.LoggerFactory"/>, services).</param>
    /// <param name="configure">Task options.</param>
    public CeleriacTask Task(string name, Delegate function, Action<TaskOptions>? configure = null) => Register(name, function, configure, wire: null);

    /// <summary>
    /// Registers the task; <paramref name="wire"/> is what a typed handle will send (null for an
    /// untyped one), checked against what the worker will bind so the two cannot disagree.
    /// </summary>
    private CeleriacTask Register(string name, Delegate function, Action<TaskOptions>? configure, Type[]? wire)
    {
        var definition = Define(name, function, configure, wire);
        return new CeleriacTask(this, definition);
    }

    private TaskDefinition Define(string name, Delegate function, Action<TaskOptions>? configure, Type[]? wire)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(function);
        var invoker = TaskInvoker.Create(function, _isService);
        if (wire is not null) invoker.CheckTypedArguments(name, wire);
        return Define(name, invoker, configure);
    }

    private TaskDefinition Define(string name, TaskInvoker invoker, Action<TaskOptions>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new TaskOptions();
        configure?.Invoke(options);
        // Checked here: a bad rate found only when a message arrives would get every message of the task rejected.
        if (!RateLimiting.RateLimit.TryParse(options.RateLimit, out _))
            throw new ArgumentException($"Task '{name}' has an invalid rate limit '{options.RateLimit}' (expected e.g. \"10/s\", \"100/m\", \"1000/h\").", nameof(configure));
        var definition = new TaskDefinition(name, options, invoker);
        Tasks.Add(definition);
        return definition;
    }

    /// <summary>
    /// Sends a task by name without knowing its type (Celery's <c>send_task</c>); it may be a task
    /// only a Python worker has. Never runs eagerly.
    /// </summary>
    public Task<AsyncResult> SendTaskAsync(string name, IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null,
        TaskSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendAsync(name, Serialization.CeleriacJson.ToArgs(args, Options.Json), Serialization.CeleriacJson.ToKwargs(kwargs, Options.Json), options,
            cancellationToken, eager: false);
    }

    /// <summary>
    /// A signature of a task by name (Celery's <c>app.signature(name, args, kwargs, **options)</c>),
    /// e.g. one only a Python worker has; it is bound to this app, so <c>ApplyAsync</c> sends it.
    /// </summary>
    /// <example><code>var flow = app.Signature("tasks.add", [2, 2]) | app.Signature("tasks.mul", [4]);</code></example>
    public Canvas.Signature Signature(string name, IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null,
        TaskSendOptions? options = null, bool immutable = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new Canvas.Signature(name, Serialization.CeleriacJson.ToArgs(args, Options.Json), Serialization.CeleriacJson.ToKwargs(kwargs, Options.Json),
            options is null ? null : Canvas.SignatureOptions.FromSendOptions(options), immutable) { App = this };
    }

    internal Task<AsyncResult> ApplyAsync(TaskDefinition definition, JsonArray args, JsonObject kwargs, TaskSendOptions? options, CancellationToken cancellationToken) =>
        SendAsync(definition.Name, args, kwargs, options, cancellationToken, definition);

    /// <summary>
    /// Sends a task by name; a task registered here runs in place when eager (a signature's
    /// <c>apply_async</c>), one only a peer has is published.
    /// </summary>
    internal async Task<AsyncResult> SendAsync(string name, JsonArray args, JsonObject kwargs, TaskSendOptions? options, CancellationToken cancellationToken,
        TaskDefinition? definition = null, bool eager = true)
    {
        definition ??= Tasks.Find(name);
        var message = Publisher.Build(name, args, kwargs, options, definition);
        if (eager && Options.AlwaysEager && definition is not null)
            return await new EagerRunner(this, _eagerBackend.Value).RunAsync(definition, message, cancellationToken).ConfigureAwait(false);
        await Publisher.PublishAsync(message, Publisher.Route(name, options, definition), cancellationToken).ConfigureAwait(false);
        return new AsyncResult(this, message.Id, Backend);
    }

    internal AsyncResult<T> Typed<T>(AsyncResult untyped) => new(this, untyped.Id, untyped.ResultBackend) { Meta = untyped.Meta, IsFinal = untyped.IsFinal, Parent = untyped.Parent };

    /// <summary>A handle on the result of the task with this id (Celery's <c>app.AsyncResult(id)</c>).</summary>
    public AsyncResult Result(string taskId) => new(this, taskId, Backend);

    /// <summary>A typed handle on the result of the task with this id.</summary>
    public AsyncResult<T> Result<T>(string taskId) => new(this, taskId, Backend);

    /// <summary>Creates a worker for this app; start it with <see cref="CeleriacWorker.StartAsync"/>.</summary>
    public CeleriacWorker CreateWorker(Action<WorkerOptions>? configure = null)
    {
        var options = WorkerOptions.From(Options);
        configure?.Invoke(options);
        return new CeleriacWorker(this, options);
    }

    /// <summary>Runs a worker until <paramref name="stoppingToken"/> fires, then shuts it down gracefully.</summary>
    public async Task RunWorkerAsync(Action<WorkerOptions>? configure = null, CancellationToken stoppingToken = default)
    {
        await using var worker = CreateWorker(configure);
        await worker.RunAsync(stoppingToken).ConfigureAwait(false);
    }

    // Checked again here: the options are mutable, and a URL changed after the app was created
    // would otherwise surface as a bare UriFormatException.
    private ProviderContext Context(string setting, string url) =>
        CeleriacOptions.UrlProblem(setting, url) is { } problem
            ? throw new ArgumentException($"Invalid Celeriac settings: {problem}")
            : new(new Uri(url), Options, Options.LoggerFactory, Publisher.Oid);

    /// <summary>Closes the broker and backend connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _control) is { } control) await control.DisposeAsync().ConfigureAwait(false);
        await StopClientEventsAsync().ConfigureAwait(false);
        if (_transport.IsValueCreated) await _transport.Value.DisposeAsync().ConfigureAwait(false);
        if (_backend.IsValueCreated) await _backend.Value.DisposeAsync().ConfigureAwait(false);
        Metrics.Dispose();
    }
}
