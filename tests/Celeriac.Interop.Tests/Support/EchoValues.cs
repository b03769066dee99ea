namespace Celeriac.Interop.Tests.Support;

/// <summary>Arguments that must round-trip through interop.echo unchanged, whichever side runs it.</summary>
internal static class EchoValues
{
    /// <summary>Positional arguments: unicode (with astral code points and escapes), nesting, big integers, floats (an integral one too), booleans, nulls, empties.</summary>
    public const string Args = """
        ["héllo wörld ✓ 日本語 🎉", "quote \" backslash \\ newline \n tab \t nul \u0000 bell \u0007", [1, [2, [3, {"deep": [true, false, null]}]]],
         {"a": {"b": {"c": []}}}, 123456789012345678901234567890, -98765432109876543210, 9223372036854775807, -9223372036854775808,
         0.1, -0.0, 1e300, 2.5e-10, 3.0, 0, -1, true, false, null, "", {}, []]
        """;

    /// <summary>Keyword arguments, with non-ASCII names.</summary>
    public const string Kwargs = """
        {"ünï": "côdé", "big": 18446744073709551616, "f": 1.5, "list": [1.0, 2, "3"], "none": null, "t": true, "emoji 🎉": "😀"}
        """;

    /// <summary>What interop.echo returns for them.</summary>
    public const string Expected = "{\"args\": " + Args + ", \"kwargs\": " + Kwargs + "}";
}
