using Celeriac.Worker;

namespace Celeriac.Tests;

public sealed class OptionsValidationTests
{
    [Fact]
    public void Default_options_are_valid()
    {
        var act = () => new CeleriacOptions().Validate();

        act.Should().NotThrow();
    }

    [Fact]
    public void Validate_reports_every_problem_at_once_with_Celery_names()
    {
        var o = new CeleriacOptions
        {
            BrokerUrl = "not a url",
            ResultBackend = "also not",
            DefaultQueue = " ",
            TaskSerializer = "pickle",
            ResultSerializer = "yaml",
            WorkerConcurrency = 0,
            WorkerPrefetchMultiplier = -1,
            DefaultPriority = 256,
        };

        var act = () => o.Validate();

        act.Should().Throw<ArgumentException>()
            .Which.Message.Should().ContainAll("broker_url", "result_backend", "task_default_queue", "task_serializer",
                "result_serializer", "worker_concurrency", "worker_prefetch_multiplier", "task_default_priority");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("disabled")]
    [InlineData("DISABLED")]
    public void A_missing_or_disabled_result_backend_is_valid(string? backend)
    {
        var act = () => new CeleriacOptions { ResultBackend = backend }.Validate();

        act.Should().NotThrow();
    }

    [Fact]
    public void Creating_an_app_validates_its_options()
    {
        var act = () => CeleriacApp.Create(o => o.WorkerConcurrency = -3);

        act.Should().Throw<ArgumentException>().WithMessage("*worker_concurrency*");
    }

    [Fact]
    public void An_unknown_broker_scheme_fails_clearly_on_first_use()
    {
        var app = CeleriacApp.Create(o => o.BrokerUrl = "kafka://somewhere");

        var act = () => app.Transport;

        act.Should().Throw<NotSupportedException>().WithMessage("*kafka://*memory://*");
    }

    [Theory]
    [InlineData("localhost:6379")]
    [InlineData("redis-host")]
    [InlineData("127.0.0.1:6379/0")]
    [InlineData("//localhost:6379")]
    public void A_broker_url_without_a_scheme_says_what_a_url_looks_like(string url)
    {
        var act = () => CeleriacApp.Create(o => o.BrokerUrl = url);

        act.Should().Throw<ArgumentException>()
            .WithMessage($"*broker_url '{url}' has no scheme*redis://localhost:6379/0*memory://*");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_broker_url_is_named_as_empty(string url)
    {
        var act = () => new CeleriacOptions { BrokerUrl = url }.Validate();

        act.Should().Throw<ArgumentException>().WithMessage("*broker_url is empty*redis://localhost:6379/0*");
    }

    [Fact]
    public void A_result_backend_without_a_scheme_names_result_backend()
    {
        var act = () => new CeleriacOptions { ResultBackend = "localhost:6379" }.Validate();

        act.Should().Throw<ArgumentException>().WithMessage("*result_backend 'localhost:6379' has no scheme*redis://*");
    }

    [Fact]
    public void A_broker_url_changed_after_the_app_was_made_is_checked_on_first_use()
    {
        var app = CeleriacApp.Create(o => o.BrokerUrl = $"memory://{Guid.NewGuid():N}");
        app.Options.BrokerUrl = "localhost:6379";

        var act = () => app.Transport;

        act.Should().Throw<ArgumentException>().WithMessage("*broker_url 'localhost:6379' has no scheme*");
    }

    [Fact]
    public void A_transport_factory_that_fails_is_tried_again_on_next_use()
    {
        var calls = 0;
        var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = "flaky://b";
            o.Providers.AddTransport("flaky", _ => ++calls == 1
                ? throw new InvalidOperationException("broker unreachable")
                : Memory.InMemoryBroker.Named(Guid.NewGuid().ToString("N")).CreateTransport());
        });

        var first = () => app.Transport;

        first.Should().Throw<InvalidOperationException>().WithMessage("broker unreachable");
        app.Transport.Should().NotBeNull("a failed creation is not remembered");
        app.Transport.Should().BeSameAs(app.Transport);
        calls.Should().Be(2);
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(1, -1)]
    public void Worker_options_are_validated_when_the_worker_is_created(int concurrency, int multiplier)
    {
        var app = CeleriacApp.Create(o => o.BrokerUrl = $"memory://{Guid.NewGuid():N}");

        var act = () => app.CreateWorker(w => { w.Concurrency = concurrency; w.PrefetchMultiplier = multiplier; });

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Worker_options_default_from_the_app_settings()
    {
        var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = $"memory://{Guid.NewGuid():N}";
            o.WorkerConcurrency = 5;
            o.WorkerPrefetchMultiplier = 2;
            o.DefaultQueue = "jobs";
            o.Hostname = "node1@host";
            o.WorkerShutdownTimeout = TimeSpan.FromSeconds(7);
        });

        var w = app.CreateWorker().Options;

        w.Concurrency.Should().Be(5);
        w.PrefetchLimit.Should().Be(10);
        w.Queues.Should().Equal("jobs");
        w.Hostname.Should().Be("node1@host");
        w.ShutdownTimeout.Should().Be(TimeSpan.FromSeconds(7));
        new WorkerOptions { PrefetchMultiplier = 0 }.PrefetchLimit.Should().BeGreaterThan(1_000_000);
    }
}
