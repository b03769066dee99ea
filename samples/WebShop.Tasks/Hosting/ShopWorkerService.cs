using Celeriac;
using Celeriac.Worker;
using Microsoft.Extensions.Hosting;

namespace WebShop.Tasks.Hosting;

/// <summary>Runs a Celeriac worker for the lifetime of the host.</summary>
internal sealed class ShopWorkerService(CeleriacApp app) : IHostedService
{
    private CeleriacWorker? _worker;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _worker = app.CreateWorker();
        await _worker.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_worker is null) return;
        await _worker.StopAsync();
        await _worker.DisposeAsync();
    }
}
