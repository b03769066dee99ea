using System.Text.Json.Nodes;
using Celeriac.TestSupport;

namespace Celeriac.Redis.Tests.Transport.Support;

/// <summary>
/// The captured Python vectors in <c>tests/vectors</c> (<see cref="GoldenVectors"/>). Missing vectors
/// fail the test: a layout check against nothing would look green.
/// </summary>
internal static class SharedVectors
{
    public static JsonObject Load(string name) => GoldenVectors.Load(name);
}
