using Celeriac.Configuration;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Tests;

/// <summary>Settings bind from IConfiguration under .NET names and Celery's names.</summary>
public sealed class ConfigurationTests
{
    private static CeleriacOptions Bind(params (string Key, string? Value)[] settings)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return CeleriacConfiguration.Bind(new CeleriacOptions(), config);
    }

    [Fact]
    public void Celery_setting_names_bind()
    {
        var o = Bind(
            ("broker_url", "redis://broker:6379/0"),
            ("result_backend", "redis://broker:6379/1"),
            ("task_default_queue", "jobs"),
            ("task_acks_late", "True"),
            ("task_track_started", "1"),
            ("task_always_eager", "yes"),
            ("result_expires", "3600"),
            ("worker_concurrency", "12"),
            ("worker_prefetch_multiplier", "1"),
            ("task_default_priority", "5"),
            ("worker_shutdown_timeout", "2.5"));

        o.BrokerUrl.Should().Be("redis://broker:6379/0");
        o.ResultBackend.Should().Be("redis://broker:6379/1");
        o.DefaultQueue.Should().Be("jobs");
        o.AcksLate.Should().BeTrue();
        o.TrackStarted.Should().BeTrue();
        o.AlwaysEager.Should().BeTrue();
        o.ResultExpires.Should().Be(TimeSpan.FromHours(1));
        o.WorkerConcurrency.Should().Be(12);
        o.WorkerPrefetchMultiplier.Should().Be(1);
        o.DefaultPriority.Should().Be(5);
        o.WorkerShutdownTimeout.Should().Be(TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public void Dotnet_names_bind_too_under_a_section()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Celeriac:BrokerUrl"] = "amqp://guest@rabbit//",
            ["Celeriac:ResultBackend"] = "memory://results",
            ["Celeriac:DefaultQueue"] = "dotnet",
            ["Celeriac:AcksLate"] = "true",
            ["Celeriac:WorkerConcurrency"] = "3",
            ["Celeriac:ResultExpires"] = "1.00:00:00",
            ["Unrelated:BrokerUrl"] = "redis://wrong",
        }).Build();

        var o = CeleriacConfiguration.Bind(new CeleriacOptions(), config.GetSection("Celeriac"));

        o.BrokerUrl.Should().Be("amqp://guest@rabbit//");
        o.ResultBackend.Should().Be("memory://results");
        o.DefaultQueue.Should().Be("dotnet");
        o.AcksLate.Should().BeTrue();
        o.WorkerConcurrency.Should().Be(3);
        o.ResultExpires.Should().Be(TimeSpan.FromDays(1));
    }

    [Fact]
    public void Accept_content_binds_from_a_list_section()
    {
        var o = Bind(("accept_content:0", "json"), ("accept_content:1", "msgpack"));

        o.AcceptContent.Should().Equal("json", "msgpack");
    }

    [Theory]
    [InlineData("json, yaml")]
    [InlineData("[\"json\", \"yaml\"]")]
    [InlineData("['json','yaml']")]
    public void Accept_content_binds_from_a_comma_or_list_string(string value)
    {
        Bind(("accept_content", value)).AcceptContent.Should().Equal("json", "yaml");
    }

    [Fact]
    public void Result_expires_of_None_keeps_results_forever()
    {
        Bind(("result_expires", "None")).ResultExpires.Should().BeNull();
        Bind(("result_expires", "")).ResultExpires.Should().BeNull();
    }

    [Fact]
    public void Task_routes_bind_from_a_section_of_queue_names_or_objects_with_a_queue()
    {
        var o = Bind(
            ("task_routes:tasks.*", "other"),
            ("task_routes:images.resize:queue", "images"),
            ("task_routes:images.resize:routing_key", "ignored"));

        o.Routes.Should().Contain("tasks.*", "other").And.Contain("images.resize", "images").And.HaveCount(2);
    }

    [Fact]
    public async Task Bound_routes_are_used_when_sending()
    {
        var name = Guid.NewGuid().ToString("N");
        var o = Bind(("broker_url", $"memory://{name}"), ("task_routes:tasks.*", "routed"));
        await using var app = new CeleriacApp(o);

        await app.SendTaskAsync("tasks.add", [1, 2]);

        Memory.InMemoryBroker.Named(name).Depth("routed").Should().Be(1);
    }

    [Theory]
    [InlineData("worker_concurrency", "lots")]
    [InlineData("task_acks_late", "maybe")]
    [InlineData("result_expires", "a while")]
    [InlineData("worker_prefetch_multiplier", "99999999999")]
    [InlineData("WorkerConcurrency", "1.5")]
    public void A_value_that_cannot_be_read_throws_FormatException_naming_the_key(string key, string value)
    {
        var act = () => Bind((key, value));

        act.Should().Throw<FormatException>().WithMessage($"*'{key}'*{value}*");
    }

    [Fact]
    public void Unknown_keys_are_ignored_and_unset_keys_keep_their_defaults()
    {
        var o = Bind(("some_future_setting", "x"), ("task_default_queue", "q"));

        o.DefaultQueue.Should().Be("q");
        o.BrokerUrl.Should().Be("memory://");
        o.AcksOnFailureOrTimeout.Should().BeTrue();
        o.WorkerPrefetchMultiplier.Should().Be(4);
        o.ResultExpires.Should().Be(TimeSpan.FromDays(1));
        o.AcceptContent.Should().Equal("json");
    }
}
