using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Tasks;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>Arguments bind from the wire's JSON args and kwargs, as a Python producer sends them.</summary>
public sealed class ArgumentBindingTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();
    private SignalRecorder _signals = null!;

    public async Task InitializeAsync() => (_, _signals) = await _h.StartWorkerAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Sends raw JSON args/kwargs by name, waits for the worker to finish, returns the stored meta.</summary>
    private async Task<ResultMeta> RunAsync(string task, string argsJson = "[]", string kwargsJson = "{}")
    {
        var r = await _h.SendAsync(task, (JsonArray)JsonNode.Parse(argsJson)!, (JsonObject)JsonNode.Parse(kwargsJson)!);
        await _signals.CompletedAsync(r.Id);
        return await _h.StoredAsync(r.Id);
    }

    private static void ShouldBeTypeError(ResultMeta meta, string messagePart)
    {
        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be("TypeError");
        meta.Exception.Module.Should().Be("builtins");
        meta.Exception.Message.Should().Contain(messagePart);
    }

    [Fact]
    public async Task An_object_parameter_gets_a_long_for_an_integer_and_a_double_for_a_float()
    {
        _h.App.Task("b.type", (object x) => x.GetType().Name);

        (await RunAsync("b.type", "[2]")).Result!.GetValue<string>().Should().Be(nameof(Int64));
        (await RunAsync("b.type", "[2.0]")).Result!.GetValue<string>().Should().Be(nameof(Double));
    }

    [Fact]
    public async Task A_float_result_stays_a_float_on_the_wire_and_an_int_stays_an_int()
    {
        _h.App.Task("b.echo", (object x) => x);
        _h.App.Task("b.twice", (double x) => x * 2);
        _h.App.Task("b.single", (float x) => x);
        _h.App.Task("b.decimal", (decimal x) => x);

        (await RunAsync("b.echo", "[2.0]")).Result!.ToJsonString().Should().Be("2.0");
        (await RunAsync("b.echo", "[2]")).Result!.ToJsonString().Should().Be("2");
        (await RunAsync("b.twice", "[1]")).Result!.ToJsonString().Should().Be("2.0");
        (await RunAsync("b.single", "[2]")).Result!.ToJsonString().Should().Be("2.0");
        (await RunAsync("b.single", "[0.1]")).Result!.ToJsonString().Should().Be("0.1");
        (await RunAsync("b.decimal", "[2.50]")).Result!.ToJsonString().Should().Be("2.50");
        (await RunAsync("b.echo", """[{"a": 1.5, "b": [3, 4.0]}]""")).Result!.ToJsonString().Should().Be("""{"a":1.5,"b":[3,4.0]}""");
    }

    [Fact]
    public async Task Integers_beyond_64_bits_pass_through_an_object_parameter_unchanged()
    {
        _h.App.Task("b.big", (object x) => x);
        _h.App.Task("b.big-typed", (System.Numerics.BigInteger x) => x * 2);

        (await RunAsync("b.big", "[123456789012345678901234567890]")).Result!.ToJsonString().Should().Be("123456789012345678901234567890");
        (await RunAsync("b.big-typed", "[-123456789012345678901234567890]")).Result!.ToJsonString().Should().Be("-246913578024691357802469135780");
    }

    [Fact]
    public async Task Kwargs_bind_by_parameter_name_in_any_order_and_mix_with_positional_args()
    {
        _h.App.Task("b.sub", (int x, int y, int z) => x - y - z);

        (await RunAsync("b.sub", "[]", """{"z": 1, "y": 2, "x": 10}""")).Result!.GetValue<int>().Should().Be(7);
        (await RunAsync("b.sub", "[10]", """{"z": 1, "y": 2}""")).Result!.GetValue<int>().Should().Be(7);
    }

    [Fact]
    public async Task Bools_strings_and_nulls_bind_to_their_types()
    {
        _h.App.Task("b.scalars", (bool flag, string text, string? none, int? maybe) => $"{flag}|{text}|{none ?? "<null>"}|{maybe?.ToString() ?? "<null>"}");

        var meta = await RunAsync("b.scalars", """[true, "héllo", null, null]""");

        meta.Result!.GetValue<string>().Should().Be("True|héllo|<null>|<null>");
    }

    [Fact]
    public async Task Null_for_a_non_nullable_int_fails_with_a_clear_TypeError()
    {
        _h.App.Task("b.int", (int n) => n);

        ShouldBeTypeError(await RunAsync("b.int", "[null]"), "'n'");
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_fails_with_TypeError_naming_the_parameter()
    {
        _h.App.Task("b.int2", (int count) => count);

        ShouldBeTypeError(await RunAsync("b.int2", """["many"]"""), "'count'");
    }

    [Fact]
    public async Task Arrays_lists_and_dictionaries_bind_from_JSON_arrays_and_objects()
    {
        _h.App.Task("b.collections", (int[] numbers, List<string> names, Dictionary<string, double> weights) =>
            $"{numbers.Sum()}|{string.Join(",", names)}|{weights["a"] + weights["b"]}");

        var meta = await RunAsync("b.collections", """[[1, 2, 3], ["x", "y"], {"a": 0.5, "b": 2}]""");

        meta.Result!.GetValue<string>().Should().Be("6|x,y|2.5");
    }

    public sealed record Person(string FirstName, string LastName, int BirthYear);

    [Fact]
    public async Task Records_bind_from_snake_case_objects_and_return_as_snake_case()
    {
        _h.App.Task("b.person", (Person p) => p with { BirthYear = p.BirthYear + 1 });

        var meta = await RunAsync("b.person", """[{"first_name": "Ada", "last_name": "Lovelace", "birth_year": 1815}]""");

        meta.Status.Should().Be(TaskStates.Success);
        meta.Result!.ToJsonString().Should().Be("""{"first_name":"Ada","last_name":"Lovelace","birth_year":1816}""");
    }

    [Theory]
    [InlineData("\"2024-05-06T07:08:09Z\"")]
    [InlineData("\"2024-05-06T07:08:09+00:00\"")]
    [InlineData("\"2024-05-06T09:08:09+02:00\"")]
    [InlineData("\"2024-05-06T07:08:09\"")]
    [InlineData("""{"__type__": "datetime", "__value__": "2024-05-06T07:08:09+00:00"}""")]
    public async Task DateTime_and_DateTimeOffset_bind_from_Python_isoformat_and_kombu_typed_values(string json)
    {
        _h.App.Task("b.dt", (DateTime d, DateTimeOffset o) => $"{d.Kind}|{d:yyyy-MM-ddTHH:mm:ss}|{o.UtcDateTime:yyyy-MM-ddTHH:mm:ss}");

        var meta = await RunAsync("b.dt", $"[{json}, {json}]");

        meta.Status.Should().Be(TaskStates.Success, because: meta.Traceback);
        meta.Result!.GetValue<string>().Should().Be("Utc|2024-05-06T07:08:09|2024-05-06T07:08:09");
    }

    [Fact]
    public async Task A_bad_datetime_string_is_a_TypeError()
    {
        _h.App.Task("b.dt-bad", (DateTime d) => d);

        ShouldBeTypeError(await RunAsync("b.dt-bad", """["yesterday"]"""), "'d'");
    }

    [Fact]
    public async Task TaskContext_and_CancellationToken_bind_by_type_wherever_they_are_declared()
    {
        // Untyped: a typed handle leaves out bound parameters only first or last.
        _h.App.Task("b.ctx", (Delegate)((TaskContext ctx, int x, CancellationToken ct, int y) =>
            $"{ctx.TaskId == ctx.Message.Id}|{ctx.TaskName}|{ct.CanBeCanceled}|{ct == ctx.Cancellation}|{x + y}"));

        var meta = await RunAsync("b.ctx", "[1, 2]");

        meta.Result!.GetValue<string>().Should().Be("True|b.ctx|True|True|3");
    }

    private static string Greet(string name, string greeting = "hello", int times = 1) => string.Concat(Enumerable.Repeat($"{greeting} {name};", times));

    [Fact]
    public async Task Parameters_with_default_values_may_be_omitted_or_given_by_name()
    {
        _h.App.Task("b.greet", (Func<string, string, int, string>)Greet);

        (await RunAsync("b.greet", """["ada"]""")).Result!.GetValue<string>().Should().Be("hello ada;");
        (await RunAsync("b.greet", """["ada"]""", """{"times": 2}""")).Result!.GetValue<string>().Should().Be("hello ada;hello ada;");
        (await RunAsync("b.greet", """["ada", "hi"]""")).Result!.GetValue<string>().Should().Be("hi ada;");
    }

    [Fact]
    public async Task A_missing_argument_is_a_TypeError_FAILURE()
    {
        _h.App.Task("b.two", (int x, int y) => x + y);

        ShouldBeTypeError(await RunAsync("b.two", "[1]"), "missing required argument: 'y'");
    }

    [Fact]
    public async Task An_unexpected_keyword_argument_is_a_TypeError_FAILURE()
    {
        _h.App.Task("b.kw", (int x) => x);

        ShouldBeTypeError(await RunAsync("b.kw", "[1]", """{"colour": "red"}"""), "unexpected keyword argument 'colour'");
    }

    [Fact]
    public async Task Too_many_positional_arguments_is_a_TypeError_FAILURE()
    {
        _h.App.Task("b.one", (int x) => x);

        ShouldBeTypeError(await RunAsync("b.one", "[1, 2, 3]"), "takes 1 positional argument(s) but 3 were given");
    }

    [Fact]
    public async Task An_argument_given_both_by_position_and_by_name_is_a_TypeError_FAILURE()
    {
        _h.App.Task("b.both", (int x) => x);

        ShouldBeTypeError(await RunAsync("b.both", "[1]", """{"x": 2}"""), "multiple values for argument 'x'");
    }

    [Fact]
    public async Task A_TaskArguments_parameter_receives_the_raw_args_and_kwargs_and_accepts_anything()
    {
        _h.App.Task("b.raw", (Delegate)((string first, TaskArguments all) => $"{first}|{all.Args.ToJsonString()}|{all.Kwargs.ToJsonString()}"));

        var meta = await RunAsync("b.raw", """["a", 2, 3.0]""", """{"k": [true]}""");

        meta.Result!.GetValue<string>().Should().Be("""a|["a",2,3.0]|{"k":[true]}""");
    }
}
