using System.Text.Json.Nodes;
using Celeriac.TestSupport;

namespace Celeriac.Redis.Tests.Backend.Support;

/// <summary>
/// The captured protocol vectors in <c>tests/vectors</c>, found as every test project finds them
/// (<see cref="GoldenVectors"/>). Missing is an error.
/// </summary>
internal static class SharedVectors
{
    public static JsonObject Load(string name) => GoldenVectors.Load(name);
}
