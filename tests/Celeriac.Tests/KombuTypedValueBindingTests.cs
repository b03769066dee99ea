using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>
/// kombu 5.3+ wraps rich values as {"__type__", "__value__"} (docs/protocol.md §1.11); Python callers name
/// keyword arguments in snake_case. Both bind to ordinary .NET parameters.
/// </summary>
public sealed class KombuTypedValueBindingTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();
    private SignalRecorder _signals = null!;

    public async Task InitializeAsync() => (_, _signals) = await _h.StartWorkerAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<ResultMeta> RunAsync(string task, string argsJson, string kwargsJson = "{}")
    {
        var r = await _h.SendAsync(task, (JsonArray)JsonNode.Parse(argsJson)!, (JsonObject)JsonNode.Parse(kwargsJson)!);
        await _signals.CompletedAsync(r.Id);
        return await _h.StoredAsync(r.Id);
    }

    [Fact]
    public async Task Every_kombu_tag_binds_to_its_dotnet_type()
    {
        _h.App.Task("k.all", (decimal d, Guid u, DateOnly day, TimeOnly time, byte[] raw, byte[] b64, DateTimeOffset at) =>
            $"{d}|{u}|{day:yyyy-MM-dd}|{time:HH:mm:ss}|{System.Text.Encoding.UTF8.GetString(raw)}|{Convert.ToHexString(b64)}|{at:O}");

        var meta = await RunAsync("k.all", """
            [{"__type__": "decimal", "__value__": "12.50"},
             {"__type__": "uuid", "__value__": {"hex": "0123456789abcdef0123456789abcdef"}},
             {"__type__": "date", "__value__": "2026-11-21"},
             {"__type__": "time", "__value__": "05:44:18"},
             {"__type__": "bytes", "__value__": "héllo"},
             {"__type__": "base64", "__value__": "AP8="},
             {"__type__": "datetime", "__value__": "2026-11-21T05:44:18.707527+00:00"}]
            """);

        meta.Status.Should().Be(TaskStates.Success, meta.Traceback);
        meta.Result!.GetValue<string>().Should().Be(
            "12.50|01234567-89ab-cdef-0123-456789abcdef|2026-11-21|05:44:18|héllo|00FF|2026-11-21T05:44:18.7075270+00:00");
    }

    [Fact]
    public async Task Envelopes_nested_in_lists_and_records_are_unwrapped()
    {
        _h.App.Task("k.nested", (List<decimal> prices, Order order) => prices.Sum() + order.Total);

        var meta = await RunAsync("k.nested", """
            [[{"__type__": "decimal", "__value__": "1.25"}, 2],
             {"total": {"__type__": "decimal", "__value__": "0.75"}, "placed_at": {"__type__": "datetime", "__value__": "2026-11-21T05:44:18Z"}}]
            """);

        meta.Status.Should().Be(TaskStates.Success, meta.Traceback);
        meta.Result!.ToJsonString().Should().Be("4.00");
    }

    [Fact]
    public async Task An_unknown_tag_is_a_clear_TypeError_and_the_worker_goes_on()
    {
        _h.App.Task("k.one", (object x) => x);

        var bad = await RunAsync("k.one", """[{"__type__": "frozenset", "__value__": [1]}]""");
        var good = await RunAsync("k.one", "[1]");

        bad.Status.Should().Be(TaskStates.Failure);
        bad.Exception!.Type.Should().Be("TypeError");
        bad.Exception.Message.Should().Contain("frozenset");
        good.Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task A_snake_case_keyword_binds_a_camel_case_parameter()
    {
        // The binder reads the default from the lambda's own method; the Delegate-typed parameter cannot carry it (CS9099).
#pragma warning disable CS9099
        _h.App.Task("k.greet", (string firstName, string lastName = "?") => $"{firstName} {lastName}");
#pragma warning restore CS9099

        (await RunAsync("k.greet", "[]", """{"first_name": "Ada", "last_name": "Lovelace"}""")).Result!.GetValue<string>().Should().Be("Ada Lovelace");
        (await RunAsync("k.greet", "[]", """{"firstName": "Grace"}""")).Result!.GetValue<string>().Should().Be("Grace ?");
        var both = await RunAsync("k.greet", """["Ada"]""", """{"first_name": "Ada"}""");
        both.Exception!.Type.Should().Be("TypeError");
        both.Exception.Message.Should().Contain("multiple values");
    }

    /// <summary>A record a Python dict binds to (snake_case keys).</summary>
    public sealed record Order(decimal Total, DateTimeOffset PlacedAt);
}
