using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// <c>celeriac purge</c> on queues nobody consumes (the fixture's worker reads only <c>celery</c>): it counts,
/// asks, deletes and says how many, in Celery's words or as JSON; without a terminal to ask on, it wants -f.
/// </summary>
public sealed class PurgeCommandTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    private async Task FillAsync(string queue, int count)
    {
        for (var i = 0; i < count; i++)
            await cluster.App.SendTaskAsync("cli.add", [i, i], options: new TaskSendOptions { Queue = queue });
    }

    [RedisFact]
    public async Task Force_purges_the_queues_and_says_how_many_as_celery_does()
    {
        await FillAsync("purge-a", 3);
        await FillAsync("purge-b", 2);

        var run = await CliRun.RunAsync("purge", "-Q", "purge-a,purge-b", "-f", "-b", cluster.BrokerUrl);
        var again = await CliRun.RunAsync("purge", "-Q", "purge-a,purge-b", "-f", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Be("Purged 5 messages from 2 known task queues." + Environment.NewLine);
        run.Error.Should().BeEmpty();
        again.Output.Should().Be("No messages purged from 2 queues." + Environment.NewLine);
    }

    [RedisFact]
    public async Task Json_has_the_total_and_each_queues_count_and_x_excludes_a_queue()
    {
        await FillAsync("purge-c", 1);
        await FillAsync("purge-d", 4);

        var run = await CliRun.RunAsync("purge", "-Q", "purge-c,purge-d", "-X", "purge-d", "-f", "--json", "-b", cluster.BrokerUrl);
        var rest = await CliRun.RunAsync("purge", "-Q", "purge-d", "--force", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Be("{\"purged\": 1, \"queues\": {\"purge-c\": 1}}" + Environment.NewLine);
        rest.Output.Should().Be("Purged 4 messages from 1 known task queue." + Environment.NewLine);
    }

    [RedisFact]
    public async Task Without_force_and_without_a_terminal_it_refuses_and_deletes_nothing()
    {
        await FillAsync("purge-e", 1);

        var run = await CliRun.RunAsync(new CliInput(new StringReader("y\n"), IsTerminal: false), "purge", "-Q", "purge-e", "-b", cluster.BrokerUrl);
        var after = await CliRun.RunAsync("purge", "-Q", "purge-e", "-f", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("stdin is not a terminal").And.Contain("-f/--force");
        after.Output.Should().Be("Purged 1 message from 1 known task queue." + Environment.NewLine);
    }

    [RedisFact]
    public async Task A_person_answering_y_purges_after_being_told_how_many()
    {
        await FillAsync("purge-f", 2);

        var run = await CliRun.RunAsync(CliRun.Typing("y"), "purge", "-Q", "purge-f", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Error.Should().Be("You are about to purge 2 messages from queue purge-f. There is no undo. Are you sure? [y/N] ");
        run.Output.Should().Be("Purged 2 messages from 1 known task queue." + Environment.NewLine);
    }

    [RedisFact]
    public async Task A_person_answering_n_or_nothing_keeps_the_messages_and_exit_is_1()
    {
        await FillAsync("purge-g", 1);

        var no = await CliRun.RunAsync(CliRun.Typing("n"), "purge", "-Q", "purge-g", "-b", cluster.BrokerUrl);
        var enter = await CliRun.RunAsync(CliRun.Typing(""), "purge", "-Q", "purge-g", "-b", cluster.BrokerUrl);
        var after = await CliRun.RunAsync("purge", "-Q", "purge-g", "-f", "-b", cluster.BrokerUrl);

        no.ExitCode.Should().Be(1, no.ToString());
        no.Output.Should().BeEmpty();
        no.Error.Should().EndWith("[y/N] celeriac: aborted, nothing purged" + Environment.NewLine);
        enter.ExitCode.Should().Be(1, enter.ToString());
        after.Output.Should().Be("Purged 1 message from 1 known task queue." + Environment.NewLine);
    }

    [RedisFact]
    public async Task Ctrl_c_at_the_prompt_is_a_no()
    {
        await FillAsync("purge-h", 1);
        using var cancel = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new CancelOnPrompt(cancel);
        using var person = new SilentPerson(); // at a terminal, typing nothing

        var code = await CliApp.RunAsync(["purge", "-Q", "purge-h", "-b", cluster.BrokerUrl], output, error, new CliInput(person, IsTerminal: true), cancel.Token);
        var after = await CliRun.RunAsync("purge", "-Q", "purge-h", "-f", "-b", cluster.BrokerUrl);

        code.Should().Be(1, error.ToString());
        error.ToString().Should().EndWith("[y/N] " + Environment.NewLine + "celeriac: aborted, nothing purged" + Environment.NewLine);
        after.Output.Should().Be("Purged 1 message from 1 known task queue." + Environment.NewLine);
    }

    /// <summary>The error writer: presses Ctrl+C once the question is asked.</summary>
    private sealed class CancelOnPrompt(CancellationTokenSource cancel) : StringWriter
    {
        public override Task WriteAsync(string? value)
        {
            base.Write(value);
            if (value?.EndsWith("[y/N] ", StringComparison.Ordinal) == true) cancel.Cancel();
            return Task.CompletedTask;
        }
    }

    /// <summary>A reader whose ReadLine blocks, as the console's does, until disposed.</summary>
    private sealed class SilentPerson : TextReader
    {
        private readonly ManualResetEventSlim _gone = new();

        public override string? ReadLine()
        {
            _gone.Wait();
            return null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _gone.Set();
            base.Dispose(disposing);
        }
    }

    [RedisFact]
    public async Task The_default_is_the_apps_default_queue_celery()
    {
        var run = await CliRun.RunAsync("purge", "-f", "--json", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        JsonNode.Parse(run.Output)!["queues"]!.AsObject().Select(q => q.Key).Should().Equal("celery");
    }

    [Fact]
    public async Task Excluding_every_queue_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("purge", "-Q", "a", "-X", "a", "-f", "-b", "redis://127.0.0.1:1/0");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("-X excludes every queue");
    }
}
