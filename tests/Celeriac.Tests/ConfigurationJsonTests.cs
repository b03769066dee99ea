using System.Text;
using Celeriac.Configuration;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Tests;

/// <summary>A configuration section back as JSON: arrays, objects, and leaf text typed back to numbers and booleans.</summary>
public sealed class ConfigurationJsonTests
{
    private static string RoundTrip(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"value": {{json}}}"""))).Build();
        return ConfigurationJson.ToNode(config.GetSection("value"))?.ToJsonString() ?? "null";
    }

    [Theory]
    [InlineData("""{"a":1,"b":[1,2.5,-3,"x",true,false],"c":{"d":"e"}}""", """{"a":1,"b":[1,2.5,-3,"x",true,false],"c":{"d":"e"}}""")]
    [InlineData("""[3000000000,1e3,"1,5","NaN"]""", """[3000000000,1000,"1,5","NaN"]""")]
    [InlineData("""["a","b","c","d","e","f","g","h","i","j","k","l"]""", """["a","b","c","d","e","f","g","h","i","j","k","l"]""")]
    [InlineData("""{"0":"x","2":"y"}""", """{"0":"x","2":"y"}""")]
    [InlineData("""[]""", "null")]
    [InlineData("""null""", "null")]
    public void Sections_come_back_as_the_json_they_were(string json, string expected) =>
        RoundTrip(json).Should().Be(expected);
}
