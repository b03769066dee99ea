using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>Bad input ends in one line on stderr and the documented exit code, never a stack trace.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task A_url_without_a_scheme_is_a_usage_error_naming_the_setting()
    {
        var run = await CliRun.RunAsync("status", "-b", "localhost:6379");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("broker_url").And.Contain("redis://localhost:6379/0");
    }

    [Fact]
    public async Task A_redis_url_with_a_bad_port_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("inspect", "ping", "-b", "redis://localhost:99999/0");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle();
    }

    [Fact]
    public async Task The_in_process_memory_broker_is_refused()
    {
        var run = await CliRun.RunAsync("status", "-b", "memory://");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("memory://");
    }

    [RedisFact]
    public async Task An_unreachable_broker_fails_with_one_line_and_no_stack_trace()
    {
        var port = FreePort.Pick(); // nothing listens there

        var run = await CliRun.RunAsync("status", "-b", $"redis://127.0.0.1:{port}/0");

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ").And.Contain(port.ToString());
        run.Error.Should().NotContain("   at ").And.NotContain("Exception");
    }

    [Fact]
    public async Task An_unreachable_rabbitmq_fails_within_seconds_with_one_line()
    {
        var port = Redis.Tests.Infrastructure.FreePort.Pick(); // nothing listens there
        var started = System.Diagnostics.Stopwatch.StartNew();

        var run = await CliRun.RunAsync("inspect", "ping", "-b", $"amqp://guest:guest@127.0.0.1:{port}//");

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: Cannot connect to RabbitMQ");
        run.Error.Should().NotContain("   at ");
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "a command gives up after a few tries, not the worker's 100");
    }

    [Theory]
    [InlineData("status", "--bogus")]
    [InlineData("inspect", "nope")]
    [InlineData("inspect")]
    [InlineData("inspect", "ping", "-t", "soon")]
    [InlineData("inspect", "ping", "-t", "0")]
    [InlineData("inspect", "conf", "maybe", "-b", "redis://127.0.0.1:1/0")]
    [InlineData("inspect", "ping", "extra", "-b", "redis://127.0.0.1:1/0")]
    public async Task A_bad_command_line_exits_2_with_one_line(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ");
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Help_lists_the_exit_codes_and_examples()
    {
        var run = await CliRun.RunAsync("--help");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("Usage:").And.Contain("celeriac [command] [options]")
            .And.Contain("3 no worker replied").And.Contain("Examples:");
    }
}
