using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.RabbitMQ.Tests.Interop;

/// <summary>
/// <c>rpc://</c> across the language line on a real rabbitmq-server: a Python Celery 5.2.6 client
/// reads a Celeriac worker's results (success, failure with its type and message, a PROGRESS
/// state), and a Celeriac client reads a Python worker's.
/// </summary>
public sealed class RpcInteropTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private const string PythonClient = """
        import json, sys, time
        from celery import Celery
        app = Celery('client', broker=sys.argv[1], backend='rpc://')
        out = {}
        p = app.send_task('rpc.progress')
        states = []
        deadline = time.time() + 30
        while time.time() < deadline:
            s = p.state
            if s not in states:
                states.append(s)
            if s == 'PROGRESS':
                out['progress_info'] = p.info
                break
            time.sleep(0.05)
        out['states'] = states
        app.send_task('rpc.release').get(timeout=30)
        out['progress_result'] = p.get(timeout=30)
        out['add'] = app.send_task('rpc.add', args=[2, 3]).get(timeout=30)
        f = app.send_task('rpc.fail')
        try:
            f.get(timeout=30)
        except Exception as e:
            out['fail'] = [type(e).__name__, str(e), f.state]
        print(json.dumps(out))
        """;

    private static string PythonTasks(string broker) => $$"""
        import os, time
        from celery import Celery
        app = Celery('pytasks', broker='{{broker}}', backend='rpc://')
        app.conf.task_track_started = True

        @app.task(name='py.add')
        def add(x, y):
            return x + y

        @app.task(name='py.fail')
        def fail():
            raise ValueError('boom')

        @app.task(name='py.progress', bind=True)
        def progress(self, flag):
            self.update_state(state='PROGRESS', meta={'current': 3, 'total': 10})
            deadline = time.time() + 30
            while not os.path.exists(flag) and time.time() < deadline:
                time.sleep(0.05)
            return 'done'
        """;

    [RabbitMqFact]
    public async Task A_python_client_reads_a_celeriac_workers_results()
    {
        Assert.Null(PythonCelery.SkipReason());
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = rabbit.Url;
            o.ResultBackend = "rpc://";
            o.UseRabbitMq();
        });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Task("rpc.add", (int x, int y) => x + y);
        app.Task("rpc.fail", (Func<int>)(() => throw new ArgumentException("bad input")));
        app.Task("rpc.release", () => release.TrySetResult());
        app.Task("rpc.progress", async (TaskContext ctx) =>
        {
            await ctx.UpdateStateAsync("PROGRESS", new { current = 3, total = 10 });
            await release.Task.WaitAsync(TimeSpan.FromSeconds(40));
            return "done";
        });
        await using var worker = app.CreateWorker(w => w.Concurrency = 2);
        await worker.StartAsync();
        await using var python = PythonCelery.With(new Dictionary<string, string> { ["client.py"] = PythonClient });

        var output = await python.RunAsync("client.py", Within, rabbit.Url);

        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        result["states"]!.AsArray().Select(s => s!.GetValue<string>()).Should().EndWith("PROGRESS");
        result["progress_info"]!["current"]!.GetValue<int>().Should().Be(3);
        result["progress_result"]!.GetValue<string>().Should().Be("done");
        result["add"]!.GetValue<int>().Should().Be(5);
        var fail = result["fail"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        fail[0].Should().Be("ArgumentException");
        fail[1].Should().Contain("bad input");
        fail[2].Should().Be(TaskStates.Failure);
    }

    [RabbitMqFact]
    public async Task A_celeriac_client_reads_a_python_workers_results()
    {
        Assert.Null(PythonCelery.SkipReason());
        await using var python = PythonCelery.With(new Dictionary<string, string> { ["pytasks.py"] = PythonTasks(rabbit.Url) });
        var log = new StringBuilder();
        python.StartWorker("pytasks", log, "-P", "threads", "-c", "2");
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = rabbit.Url;
            o.ResultBackend = "rpc://";
            o.UseRabbitMq();
        });
        var flag = Path.Combine(python.Directory, "release.flag");

        try
        {
            var sum = await app.SendTaskAsync("py.add", [2, 3]);
            (await sum.GetAsync(Within))!.GetValue<int>().Should().Be(5);

            var failed = await app.SendTaskAsync("py.fail");
            var failure = await failed.WaitAsync(Within);
            failure.Status.Should().Be(TaskStates.Failure);
            failure.Exception!.Type.Should().Be("ValueError");
            failure.Exception.Message.Should().Be("boom");
            failure.Traceback.Should().Contain("ValueError: boom");

            var running = await app.SendTaskAsync("py.progress", [flag]);
            var info = await Eventually.SucceedsAsync(async () =>
            {
                await running.RefreshAsync();
                running.State.Should().Be("PROGRESS");
                return running.Info;
            }, Within);
            info!["current"]!.GetValue<int>().Should().Be(3);
            await File.WriteAllTextAsync(flag, "go");
            (await running.GetAsync(Within))!.GetValue<string>().Should().Be("done");
        }
        catch (Exception)
        {
            lock (log) Console.Error.WriteLine(log.ToString());
            throw;
        }
    }
}
