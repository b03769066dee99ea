namespace Celeriac.Dashboard.Tests.Infrastructure;

/// <summary>
/// An ingestion test: needs redis-server and Python Celery (<c>/usr/bin/python3 -m celery</c>); skipped outside CI
/// when either is missing, failing in CI.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IngestionFactAttribute : FactAttribute
{
    public IngestionFactAttribute()
    {
        if (Celeriac.Redis.Tests.Infrastructure.ExternalTool.SkipReason("redis-server", "apt-get install redis-server") is { } reason) Skip = reason;
        else if (!File.Exists(PythonCeleryWorker.Python) && !Celeriac.Redis.Tests.Infrastructure.ExternalTool.IsCi)
            Skip = "Python Celery is not installed (apt-get install python3-celery); skipped outside CI.";
    }
}
