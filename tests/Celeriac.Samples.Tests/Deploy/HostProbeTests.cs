using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace Celeriac.Samples.Tests.Deploy;

/// <summary>
/// Each Deployment's app started in-process with that container's settings: the paths its probes ask
/// answer 200, and its grace period outlasts the host's shutdown timeout (the worker's stop stages fit in
/// that timeout, so a pod removed by a scale-down drains instead of being killed mid-task). The broker is an
/// in-memory one of the test's own: no Redis is needed to show the paths are mapped and healthy.
/// </summary>
[Collection(DeployHostsCollection.Name)]
public sealed class HostProbeTests
{
    private readonly Manifests _manifests = Manifests.Load();

    public static TheoryData<string> Deployments() => ["webshop-web", "webshop-worker", "webshop-beat"];

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task The_probed_paths_answer_200_on_the_app_the_image_runs(string deployment)
    {
        var (container, _) = Container(deployment);
        using var host = Start(deployment);
        using var client = host.CreateClient();

        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            // As the kubelet does, ask again until it passes: a worker is ready once it consumes, a moment after start.
            var path = container.Map(probe).Map("httpGet").Scalar("path");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            HttpResponseMessage response;
            while ((response = await client.GetAsync(path)).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"{deployment}'s {probe} asks {path}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_grace_period_outlasts_the_hosts_shutdown_timeout(string deployment)
    {
        var (container, pod) = Container(deployment);
        using var host = Start(deployment);

        var shutdown = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        // The grace period counts from the preStop hook's start: a pause there comes out of it.
        var preStop = container.Has("lifecycle") ? TimeSpan.FromSeconds(container.Map("lifecycle").Map("preStop").Map("sleep").Int("seconds")) : TimeSpan.Zero;
        var grace = TimeSpan.FromSeconds(pod.Has("terminationGracePeriodSeconds") ? pod.Int("terminationGracePeriodSeconds") : 30);

        grace.Should().BeGreaterThanOrEqualTo(preStop + shutdown + DeployFacts.ShutdownMargin,
            $"{deployment}'s host stops within HostOptions.ShutdownTimeout = {shutdown.TotalSeconds} s after a {preStop.TotalSeconds} s preStop pause; the kubelet must not SIGKILL before");
    }

    [Fact]
    public void The_web_app_only_sends_and_the_worker_host_runs_a_worker()
    {
        using (var web = Start("webshop-web")) HostedNames(web).Should().NotContain(n => n.Contains("Worker", StringComparison.Ordinal));
        using (var worker = Start("webshop-worker")) HostedNames(worker).Should().Contain(n => n.Contains("Worker", StringComparison.Ordinal));
    }

    [Fact]
    public void The_beat_pods_run_a_beat_and_no_worker()
    {
        using var beat = Start("webshop-beat");

        HostedNames(beat).Should().Contain(n => n.Contains("Beat", StringComparison.Ordinal), "WebShop__RunBeat=true starts the hosted beat")
            .And.NotContain(n => n.Contains("Worker", StringComparison.Ordinal), "WebShop__RunWorker=false");
    }

    private (YamlMappingNode Container, YamlMappingNode Pod) Container(string deployment)
    {
        var manifest = _manifests.Single("Deployment", deployment);
        return (manifest.Containers[0], manifest.PodSpec);
    }

    /// <summary>The app of the Deployment's image, with the container's environment but the in-memory broker.</summary>
    private ISampleHost Start(string deployment)
    {
        var image = _manifests.Single("Deployment", deployment).Containers[0].Scalar("image").Split(':')[0];
        var entryPoint = image switch
        {
            "webshop-web" => typeof(Program),
            "webshop-worker" => typeof(global::WebShop.Worker.WorkerStartup),
            _ => throw new InvalidOperationException($"{deployment} runs {image}, which no test knows"),
        };
        var settings = _manifests.Environment(Container(deployment).Container).ToDictionary();
        // A private in-memory broker and store (memory:// alone is shared by the whole test process).
        settings["Celeriac__BrokerUrl"] = settings["Celeriac__ResultBackend"] = "memory://deploy-" + Guid.NewGuid().ToString("N");
        return SampleHost.Start(entryPoint, settings);
    }

    private static List<string> HostedNames(ISampleHost host) =>
        host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
}
