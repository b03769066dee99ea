namespace Celeriac.Tests.TypedSends;

/// <summary>
/// A task registered from a typed delegate is sent with its argument types checked by the compiler;
/// parameters the worker binds by type are not part of the send.
/// </summary>
public sealed class TypedSendCompileTests
{
    private const string Add = """var add = app.Task("tasks.add", (int x, int y) => x + y);""";

    private static void ShouldCompile(string body) =>
        SnippetCompiler.Errors(body).Select(d => d.ToString()).Should().BeEmpty();

    private static void ShouldFailWith(string body, string errorId) =>
        SnippetCompiler.Errors(body).Select(d => d.Id).Should().Contain(errorId, "the snippet must not compile:\n{0}", body);

    [Fact]
    public void A_send_with_the_delegates_argument_types_compiles_and_its_result_is_typed() =>
        ShouldCompile(Add + """
            AsyncResult<int> r = await add.DelayAsync(2, 2);
            int four = await r.GetAsync();
            AsyncResult<int> later = await add.ApplyAsync(2, 2, new TaskSendOptions { Countdown = TimeSpan.FromSeconds(10) });
            AsyncResult<int> queued = await add.ApplyAsync(2, 2, options: new TaskSendOptions { Queue = "math" }, cancellationToken: CancellationToken.None);
            """);

    [Fact]
    public void A_send_with_an_argument_of_the_wrong_type_does_not_compile() =>
        ShouldFailWith(Add + """await add.DelayAsync("two", 2);""", "CS1503");

    [Fact]
    public void A_send_with_too_few_or_too_many_arguments_does_not_compile()
    {
        ShouldFailWith(Add + "await add.DelayAsync(2);", "CS7036");
        ShouldFailWith(Add + "await add.DelayAsync(2, 2, 2);", "CS1501");
    }

    [Fact]
    public void Apply_with_options_checks_the_argument_types_too() =>
        ShouldFailWith(Add + """await add.ApplyAsync(2, "2", new TaskSendOptions());""", "CS1503");

    [Theory]
    [InlineData("""(int x, TaskContext ctx) => x + ctx.Retries""")]
    [InlineData("""(int x, CancellationToken ct) => x""")]
    [InlineData("""(TaskContext ctx, int x) => x""")]
    [InlineData("""async (int x, CancellationToken ct) => { await Task.Delay(1, ct); return x; }""")]
    [InlineData("""async (int x, TaskContext ctx) => { await ctx.UpdateStateAsync("PROGRESS"); return x; }""")]
    public void A_TaskContext_or_CancellationToken_parameter_is_not_part_of_the_send(string lambda)
    {
        ShouldCompile($"""
            var task = app.Task("tasks.one", {lambda});
            AsyncResult<int> r = await task.DelayAsync(1);
            Signature<int> s = task.S(1);
            """);
        ShouldFailWith($"""var task = app.Task("tasks.one", {lambda}); await task.DelayAsync(1, CancellationToken.None);""", "CS1501");
    }

    [Fact]
    public void A_task_without_a_result_has_a_typed_send_too()
    {
        ShouldCompile("""
            var log = app.Task("tasks.log", (string line) => Console.WriteLine(line));
            var save = app.Task("tasks.save", async (string key, int value, CancellationToken ct) => await Task.Delay(value, ct));
            AsyncResult a = await log.DelayAsync("hello");
            AsyncResult b = await save.DelayAsync("k", 1);
            """);
        ShouldFailWith("""var log = app.Task("tasks.log", (string line) => Console.WriteLine(line)); await log.DelayAsync(42);""", "CS1503");
    }

    [Fact]
    public void Signatures_are_typed_the_same_way_and_a_partial_one_takes_the_trailing_arguments()
    {
        ShouldCompile(Add + """
            var mul = app.Task("tasks.mul", (int x, int y) => x * y);
            Signature<int> full = add.S(2, 2);
            Signature<int> partial = mul.S(4);      // mul(parent's result, 4) in a chain
            Signature<int> immutable = add.Si(1, 1);
            var flow = full | partial;
            """);
        ShouldFailWith(Add + """add.S("two", 2);""", "CS1503");
        ShouldFailWith(Add + """add.Si(2, "two");""", "CS1503");
        ShouldFailWith(Add + """add.S("four");""", "CS1503");
    }

    [Fact]
    public void The_untyped_paths_stay_for_tasks_only_a_peer_has_and_for_keyword_arguments() =>
        ShouldCompile(Add + """
            AsyncResult a = await app.SendTaskAsync("py.only", args: new object?[] { "two", 2 });
            Signature s = app.Signature("py.only", new object?[] { 1 });
            AsyncResult k = await add.Untyped.ApplyAsync(kwargs: new System.Collections.Generic.Dictionary<string, object?> { ["x"] = 1, ["y"] = 2 });
            AsyncResult any = await add.Untyped.DelayAsync("two", 2);
            var echo = app.Task("tasks.echo", (TaskArguments all) => all.Args.Count);
            AsyncResult e = await echo.DelayAsync(1, "b", 3.0);
            """);
}
