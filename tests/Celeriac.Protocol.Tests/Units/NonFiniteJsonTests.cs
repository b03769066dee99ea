using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>
/// NaN, Infinity and -Infinity as Python's json writes them (bare tokens, allow_nan=True): read from
/// a real Celery 5.2.6 message and result, kept as doubles, written back as the same tokens.
/// </summary>
public sealed class NonFiniteJsonTests
{
    // Captured from /usr/bin/python3 (Celery 5.2.6, kombu memory transport):
    // app.send_task('tasks.mul', args=[nan, inf, -inf, 1.5], kwargs={'scale': nan, 'values': [inf, 2]}).
    // Its body is [[NaN, Infinity, -Infinity, 1.5], {"scale": NaN, "values": [Infinity, 2]}, {...}].
    private const string PythonEnvelope = """
        {"body": "W1tOYU4sIEluZmluaXR5LCAtSW5maW5pdHksIDEuNV0sIHsic2NhbGUiOiBOYU4sICJ2YWx1ZXMiOiBbSW5maW5pdHksIDJdfSwgeyJjYWxsYmFja3MiOiBudWxsLCAiZXJyYmFja3MiOiBudWxsLCAiY2hhaW4iOiBudWxsLCAiY2hvcmQiOiBudWxsfV0=", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"lang": "py", "task": "tasks.mul", "id": "4c5f6b55-2f47-4b0f-9a53-1d1c1a7d3f10", "shadow": null, "eta": null, "expires": null, "group": null, "group_index": null, "retries": 0, "timelimit": [null, null], "root_id": "4c5f6b55-2f47-4b0f-9a53-1d1c1a7d3f10", "parent_id": null, "argsrepr": "[nan, inf, -inf, 1.5]", "kwargsrepr": "{'scale': nan, 'values': [inf, 2]}", "origin": "gen20747@vm", "ignore_result": false}, "properties": {"correlation_id": "4c5f6b55-2f47-4b0f-9a53-1d1c1a7d3f10", "reply_to": "a4f9b9c6-edf5-3e62-a875-3975a442eba5", "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": "celery"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "41c0e33a-cbef-435c-b43b-5ce7d15e71d4"}}
        """;

    internal static BrokerMessage PythonMessage() => KombuEnvelope.Decode(Encoding.UTF8.GetBytes(PythonEnvelope).AsMemory()).Message;

    private static double Double(JsonNode? node) => node!.GetValue<double>();

    [Fact]
    public void A_Python_message_with_NaN_and_infinities_decodes_with_them_as_doubles()
    {
        var message = TaskMessageCodec.Decode(PythonMessage(), [ContentTypes.Json]);

        message.Task.Should().Be("tasks.mul");
        double.IsNaN(Double(message.Args[0])).Should().BeTrue();
        Double(message.Args[1]).Should().Be(double.PositiveInfinity);
        Double(message.Args[2]).Should().Be(double.NegativeInfinity);
        Double(message.Args[3]).Should().Be(1.5);
        double.IsNaN(Double(message.Kwargs["scale"])).Should().BeTrue();
        Double(message.Kwargs["values"]![0]).Should().Be(double.PositiveInfinity);
        message.Kwargs["values"]![1]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public void Encoding_it_again_writes_the_tokens_as_Python_does()
    {
        var message = TaskMessageCodec.Decode(PythonMessage(), [ContentTypes.Json]);
        message.ArgsRepr = null;
        message.KwargsRepr = null;

        var encoded = TaskMessageCodec.Encode(message);

        Encoding.UTF8.GetString(encoded.Body.Span).Should().StartWith("""[[NaN,Infinity,-Infinity,1.5],{"scale":NaN,"values":[Infinity,2]},""");
        encoded.Headers["argsrepr"]!.GetValue<string>().Should().Be("(nan, inf, -inf, 1.5)", "saferepr writes Python's float reprs");
        encoded.Headers["kwargsrepr"]!.GetValue<string>().Should().Be("{'scale': nan, 'values': [inf, 2]}");
    }

    [Fact]
    public void Only_bare_tokens_are_numbers_strings_that_spell_them_stay_strings()
    {
        var node = CeleryJson.Parse("""["NaN", "x Infinity \" NaN", NaN, {"Infinity": -Infinity}]"""u8)!.AsArray();

        node[0]!.GetValue<string>().Should().Be("NaN");
        node[1]!.GetValue<string>().Should().Be("x Infinity \" NaN");
        double.IsNaN(Double(node[2])).Should().BeTrue();
        Double(node[3]!["Infinity"]).Should().Be(double.NegativeInfinity);
        CeleryJson.ToJsonString(node).Should().Be("""["NaN","x Infinity \" NaN",NaN,{"Infinity":-Infinity}]""");
    }

    [Theory]
    [InlineData("[Nope]")]
    [InlineData("[NaNa]")]
    [InlineData("[nan]")]
    [InlineData("[inf]")]
    public void Other_bare_words_are_still_invalid_JSON(string json)
    {
        var act = () => CeleryJson.Parse(Encoding.UTF8.GetBytes(json));

        act.Should().Throw<System.Text.Json.JsonException>();
    }

    [Fact]
    public void A_result_of_NaN_is_stored_as_Python_writes_it_and_a_Python_meta_with_one_reads_back()
    {
        var meta = new ResultMeta { TaskId = "id-1", Status = TaskStates.Success, Result = CeleryJson.PythonFloat(double.NaN) };

        Encoding.UTF8.GetString(meta.ToUtf8Bytes()).Should().Contain("\"result\":NaN");
        // json.dumps({"status": "SUCCESS", "result": float("-inf"), ...}) as Celery's backend writes it.
        var python = ResultMeta.Parse("""{"status": "SUCCESS", "result": [-Infinity, 1.0], "traceback": null, "children": [], "date_done": "2026-01-02T03:04:05.000000", "task_id": "id-2"}"""u8);
        Double(python.Result![0]).Should().Be(double.NegativeInfinity);
        python.ToJson()["result"]![0]!.GetValue<double>().Should().Be(double.NegativeInfinity);
    }

    [Fact]
    public void Pythons_json_dumps_and_repr_write_them_as_Python_does()
    {
        var values = new JsonArray(JsonValue.Create(double.NaN), JsonValue.Create(double.PositiveInfinity), JsonValue.Create(double.NegativeInfinity), 1.5);

        PythonJson.Dumps(values).Should().Be("[NaN, Infinity, -Infinity, 1.5]");
        PythonRepr.Format(values).Should().Be("[nan, inf, -inf, 1.5]");
        CeleryJson.AsDouble(values[1]).Should().Be(double.PositiveInfinity);
        CeleryJson.AsInt64(values[0]).Should().BeNull();
    }
}
