using Xunit.Abstractions;
using Xunit.Sdk;

namespace Celeriac.Dashboard.Tests.Infrastructure;

/// <summary>
/// A store behaviour: a fact in the shared suite, skipped outside CI in a class marked
/// <see cref="RequiresPostgresAttribute"/> when PostgreSQL is missing (with CI=true it runs and fails).
/// </summary>
[XunitTestCaseDiscoverer("Celeriac.Dashboard.Tests.Infrastructure.StoreFactDiscoverer", "Celeriac.Dashboard.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Marks a suite class whose store needs a real PostgreSQL.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>Decides per derived class (the attribute sits on the shared base's methods).</summary>
public sealed class StoreFactDiscoverer(IMessageSink sink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var options = discoveryOptions.MethodDisplayOptionsOrDefault();
        var reason = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any() ? PostgresTools.SkipReason() : null;
        return reason is null
            ? [new XunitTestCase(sink, display, options, testMethod)]
            : [new XunitSkippedDataRowTestCase(sink, display, options, testMethod, reason)];
    }
}
