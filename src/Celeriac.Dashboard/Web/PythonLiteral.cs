using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;

namespace Celeriac.Dashboard.Web;

/// <summary>
/// Reads the Python reprs task events carry (<c>args</c>, <c>kwargs</c>: Celery's <c>saferepr</c>) back into JSON:
/// tuples and lists become arrays, dicts objects, <c>str</c> (either quote, with escapes) strings, <c>int</c> and
/// <c>float</c> numbers, <c>True</c>/<c>False</c>/<c>None</c>; JSON's <c>true</c>/<c>false</c>/<c>null</c> are read too.
/// It refuses, with a reason, what cannot be sent again as it was: a repr <c>saferepr</c> cut short (a <c>...</c>
/// outside a string), bytes, sets, non-finite floats and any other object's repr (<c>datetime.datetime(…)</c>).
/// </summary>
internal sealed class PythonLiteral
{
    private readonly string _text;
    private int _pos;

    private PythonLiteral(string text) => _text = text;

    /// <summary>Reads <paramref name="text"/>; on failure <paramref name="error"/> says why and the result is false.</summary>
    public static bool TryParse(string text, out JsonNode? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new PythonLiteral(text);
        try
        {
            value = reader.ReadValue(0);
            reader.SkipSpace();
            if (reader._pos < text.Length) throw reader.Fail($"unexpected '{text[reader._pos]}'");
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            value = null;
            error = e.Message;
            return false;
        }
    }

    private JsonNode? ReadValue(int depth)
    {
        if (depth > 64) throw Fail("nested too deeply");
        SkipSpace();
        if (_pos >= _text.Length) throw Fail("it ends early");
        var c = _text[_pos];
        switch (c)
        {
            case '(': return ReadSequence(')', depth, tuple: true);
            case '[': return ReadSequence(']', depth, tuple: false);
            case '{': return ReadDict(depth);
            case '\'' or '"': return JsonValue.Create(ReadString());
        }
        if (c == '.' && At("...")) throw Cut();
        if (c is '-' or '+' or '.' || char.IsAsciiDigit(c)) return ReadNumber();
        if (char.IsAsciiLetter(c) || c == '_') return ReadWord();
        if (c == '<') throw Fail("it holds an object's repr (<…>), not a literal");
        throw Fail($"unexpected '{c}'");
    }

    private JsonArray ReadSequence(char close, int depth, bool tuple)
    {
        _pos++;
        var items = new JsonArray();
        while (true)
        {
            SkipSpace();
            if (Peek() == close) { _pos++; return items; }
            items.Add(ReadValue(depth + 1));
            SkipSpace();
            var next = Peek();
            if (next == ',') { _pos++; continue; }
            if (next == close) { _pos++; return items; }
            throw next == '\0' ? Fail("it ends early") : Fail($"expected ',' or '{close}', found '{next}'");
        }
        // A one-element tuple is "(x,)": the loop reads the comma and then the close.
    }

    private JsonObject ReadDict(int depth)
    {
        _pos++;
        var dict = new JsonObject();
        while (true)
        {
            SkipSpace();
            if (Peek() == '}') { _pos++; return dict; }
            var key = ReadValue(depth + 1);
            SkipSpace();
            if (Peek() != ':')
                throw Peek() is ',' or '}' ? Fail("it holds a set, which JSON cannot carry") : Fail("expected ':' after a dict key");
            _pos++;
            var value = ReadValue(depth + 1);
            dict[KeyText(key)] = value;
            SkipSpace();
            var next = Peek();
            if (next == ',') { _pos++; continue; }
            if (next == '}') { _pos++; return dict; }
            throw next == '\0' ? Fail("it ends early") : Fail($"expected ',' or '}}', found '{next}'");
        }
    }

    /// <summary>As <c>json.dumps</c> turns a dict key into a string.</summary>
    private string KeyText(JsonNode? key) => key switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => throw Fail("it has a dict key that is not a string or a number"),
    };

    private string ReadString()
    {
        var quote = _text[_pos++];
        var builder = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw Fail("a string is not closed");
            var c = _text[_pos++];
            if (c == quote) return builder.ToString();
            if (c != '\\') { builder.Append(c); continue; }
            if (_pos >= _text.Length) throw Fail("a string is not closed");
            var e = _text[_pos++];
            switch (e)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case '0': builder.Append('\0'); break;
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'v': builder.Append('\v'); break;
                case '\\' or '\'' or '"': builder.Append(e); break;
                case '\n': break; // a line continuation
                case 'x': builder.Append((char)Hex(2)); break;
                case 'u': builder.Append((char)Hex(4)); break;
                case 'U': builder.Append(char.ConvertFromUtf32(Hex(8))); break;
                default: builder.Append('\\').Append(e); break; // Python keeps an unknown escape as written
            }
        }
    }

    private int Hex(int digits)
    {
        if (_pos + digits > _text.Length || !int.TryParse(_text.AsSpan(_pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            throw Fail("a string has a malformed \\x, \\u or \\U escape");
        _pos += digits;
        if (code > 0x10FFFF) throw Fail("a string has an escape beyond Unicode");
        return code;
    }

    private JsonNode ReadNumber()
    {
        var start = _pos;
        if (Peek() is '-' or '+') _pos++;
        if (char.IsAsciiLetter(Peek()))
        {
            var word = ReadName();
            throw word is "inf" or "nan" ? Fail("it holds a non-finite float, which JSON cannot carry") : Fail($"unexpected '{word}'");
        }
        while (_pos < _text.Length && !At("...") && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '.' or 'e' or 'E' or '_'
            || (_text[_pos] is '+' or '-' && _text[_pos - 1] is 'e' or 'E'))) _pos++;
        if (At("...")) throw Cut(); // saferepr cut a long number: "12345..."
        var number = _text[start.._pos].Replace("_", "", StringComparison.Ordinal).TrimStart('+');
        if (number.Length > 0 && number[^1] == '.') number += "0"; // Python's "1." is 1.0
        if (number.StartsWith('.') || number.StartsWith("-.", StringComparison.Ordinal)) number = number.Replace(".", "0.", StringComparison.Ordinal);
        if (BigInteger.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonNode.Parse(integer.ToString(CultureInfo.InvariantCulture))!; // any size, as Python's int
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return JsonValue.Create(d);
        throw Fail($"'{_text[start.._pos]}' is not a number");
    }

    private JsonNode? ReadWord()
    {
        var start = _pos;
        var word = ReadName();
        switch (word)
        {
            case "True" or "true": return JsonValue.Create(true);
            case "False" or "false": return JsonValue.Create(false);
            case "None" or "null": return null;
            case "inf" or "nan": throw Fail("it holds a non-finite float, which JSON cannot carry");
            case "b" or "rb" or "br" or "B" when Peek() is '\'' or '"': throw Fail("it holds bytes, which JSON cannot carry");
            case "u" or "U" or "r" or "R" when Peek() is '\'' or '"': return word is "r" or "R" ? JsonValue.Create(ReadRawString()) : JsonValue.Create(ReadString());
        }
        while (_pos < _text.Length && _text[_pos] == '.')
        {
            _pos++;
            ReadName();
        }
        var name = _text[start.._pos];
        throw Peek() == '(' ? Fail($"it holds a {name}(…) object, not a literal") : Fail($"it holds the name '{name}', not a literal");
    }

    private string ReadRawString()
    {
        var quote = _text[_pos++];
        var end = _text.IndexOf(quote, _pos);
        if (end < 0) throw Fail("a string is not closed");
        var s = _text[_pos..end];
        _pos = end + 1;
        return s;
    }

    private string ReadName()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        return _text[start.._pos];
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private bool At(string token) => string.CompareOrdinal(_text, _pos, token, 0, token.Length) == 0;

    private FormatException Cut() =>
        new("the repr was cut short (\"...\"): the event carries only its first characters, so the value cannot be rebuilt");

    private FormatException Fail(string why) => new($"not a Python literal at character {_pos}: {why}");
}
