using System.Globalization;
using Celeriac.Redis.Layout;
using YamlDotNet.RepresentationModel;

namespace Celeriac.Samples.Tests.Deploy;

/// <summary>
/// deploy/k8s parsed with YamlDotNet and checked against the code: selectors and labels, ports, images,
/// environment variables that bind to real settings, the KEDA trigger on kombu's list key. Kubernetes
/// does not run here; these keep the manifests from drifting from the apps.
/// </summary>
public sealed class ManifestTests
{
    private const string Namespace = "webshop";
    private readonly Manifests _manifests = Manifests.Load();

    [Fact]
    public void The_kustomization_lists_every_manifest_and_every_object_is_in_the_shops_namespace()
    {
        var kustomization = _manifests.OfKind("Kustomization").Should().ContainSingle().Subject;
        var listed = kustomization.Root.Seq("resources").Cast<YamlScalarNode>().Select(n => n.Value!);
        listed.Should().BeEquivalentTo(_manifests.Objects.Select(m => m.File).Distinct());

        foreach (var manifest in _manifests.Objects)
        {
            manifest.Name.Should().NotBeNullOrEmpty($"{manifest} has a name");
            if (manifest.Kind != "Namespace") manifest.Root.Map("metadata").Scalar("namespace").Should().Be(Namespace, $"{manifest}");
        }
        _manifests.Single("Namespace", Namespace);
    }

    [Fact]
    public void Deployments_select_their_own_pods_and_each_service_reaches_a_named_container_port()
    {
        var deployments = _manifests.OfKind("Deployment").ToList();
        deployments.Select(d => d.Name).Should().Contain(["webshop-web", "webshop-worker", "webshop-beat"]);
        foreach (var deployment in deployments)
        {
            var selector = deployment.Root.Map("spec").Map("selector").Map("matchLabels").Strings();
            deployment.TemplateLabels.Should().Contain(selector, $"{deployment}'s selector matches its own pods");
            deployments.Where(d => d != deployment).Should().NotContain(d => selector.All(s => d.TemplateLabels.Contains(s)),
                $"{deployment}'s selector matches no other Deployment's pods");
        }

        foreach (var service in _manifests.OfKind("Service"))
        {
            var selector = service.Root.Map("spec").Map("selector").Strings();
            var target = deployments.Where(d => selector.All(s => d.TemplateLabels.Contains(s))).Should()
                .ContainSingle($"{service} selects the pods of one Deployment").Subject;
            var containerPorts = target.Containers.SelectMany(c => c.SeqOrEmpty("ports").Cast<YamlMappingNode>()).ToList();
            foreach (var port in service.Root.Map("spec").Seq("ports").Cast<YamlMappingNode>())
                containerPorts.Should().Contain(p => p.Scalar("name") == port.Scalar("targetPort"), $"{service} targets a port {target} names");
        }
    }

    [Fact]
    public void Every_shop_container_listens_on_8080_is_probed_and_scraped_there_and_runs_an_image_a_Dockerfile_builds()
    {
        var images = new[] { "web.Dockerfile", "worker.Dockerfile" }.ToDictionary(f => Dockerfile.Load(f).DocumentedImage, f => f);
        foreach (var deployment in _manifests.OfKind("Deployment").Where(d => d.Name.StartsWith("webshop-", StringComparison.Ordinal)))
        {
            var container = deployment.Containers.Should().ContainSingle($"{deployment} runs one container").Subject;
            var image = container.Scalar("image");
            images.Keys.Should().Contain(image.Split(':')[0], $"{deployment}'s image is built by a deploy/docker file (its documented -t name)");

            var http = container.Seq("ports").Cast<YamlMappingNode>().Should().ContainSingle().Subject;
            http.Scalar("name").Should().Be("http");
            http.Int("containerPort").Should().Be(DeployFacts.HttpPort, "ASPNETCORE_HTTP_PORTS in the image");
            foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
                container.Map(probe).Map("httpGet").Scalar("port").Should().Be("http", $"{deployment}'s {probe} asks the app's port");

            var annotations = deployment.Root.Map("spec").Map("template").Map("metadata");
            if (annotations.Has("annotations"))
                annotations.Map("annotations").Strings()["prometheus.io/port"].Should().Be(DeployFacts.HttpPort.ToString(CultureInfo.InvariantCulture));

            deployment.PodSpec.Map("securityContext").Scalar("runAsNonRoot").Should().Be("true");
        }
    }

    [Fact]
    public void Every_Celeriac_variable_binds_to_a_real_setting()
    {
        var variables = _manifests.OfKind("Deployment").SelectMany(d => d.Containers).SelectMany(_manifests.Environment)
            .Where(p => p.Key.StartsWith(CeleriacSettings.Prefix, StringComparison.Ordinal)).Distinct().ToList();

        variables.Select(v => v.Key).Should().Contain(["Celeriac__BrokerUrl", "Celeriac__ResultBackend"]);
        foreach (var (name, value) in variables)
            CeleriacSettings.Binds(name, value).Should().BeTrue($"{name}={value} must change a Celeriac setting (unknown keys are ignored silently)");
    }

    [Fact]
    public void The_KEDA_trigger_counts_kombus_list_of_the_default_queue_on_the_brokers_database()
    {
        var worker = _manifests.Single("Deployment", "webshop-worker");
        var environment = _manifests.Environment(worker.Containers[0]);
        var options = CeleriacSettings.From(environment);
        var broker = new Uri(options.BrokerUrl);
        var scaled = _manifests.Single("ScaledObject", "webshop-worker").Root.Map("spec");

        scaled.Map("scaleTargetRef").Scalar("name").Should().Be(worker.Name);
        scaled.Int("minReplicaCount").Should().BeGreaterThanOrEqualTo(1, "at zero, prefetched and ETA tasks sit in unacked where the list scaler cannot see them");
        var trigger = scaled.Seq("triggers").Cast<YamlMappingNode>().Should().ContainSingle().Subject;
        trigger.Scalar("type").Should().Be("redis");
        var metadata = trigger.Map("metadata");

        var layout = new RedisLayout(database: int.Parse(broker.AbsolutePath.Trim('/'), CultureInfo.InvariantCulture));
        metadata.Scalar("listName").Should().Be(layout.QueueKey(options.DefaultQueue), "kombu's list of the default queue at priority 0");
        metadata.Scalar("databaseIndex").Should().Be(layout.Database.ToString(CultureInfo.InvariantCulture));

        // KEDA's operator reads the address from the worker's environment and resolves it from its own namespace.
        var address = environment[metadata.Scalar("addressFromEnv")];
        address.Should().Be($"{broker.Host}:{broker.Port}", "the scaler reads the Redis the workers consume from");
        var host = broker.Host.Split('.');
        host[1..].Should().Equal(Namespace, "svc", "cluster", "local");
        var service = _manifests.Single("Service", host[0]).Root.Map("spec").Seq("ports").Cast<YamlMappingNode>();
        service.Should().Contain(p => p.Int("port") == broker.Port, "the Service the URL names serves its port");
    }

    [Fact]
    public void The_beat_runs_several_replicas_of_the_worker_image_with_the_worker_off()
    {
        var beat = _manifests.Single("Deployment", "webshop-beat");
        var worker = _manifests.Single("Deployment", "webshop-worker");

        beat.Root.Map("spec").Int("replicas").Should().BeGreaterThanOrEqualTo(2, "standbys take over when the leader's lease lapses");
        beat.Containers[0].Scalar("image").Should().Be(worker.Containers[0].Scalar("image"));
        var environment = _manifests.Environment(beat.Containers[0]);
        environment["WebShop__RunWorker"].Should().Be("false");
        environment["WebShop__RunBeat"].Should().Be("true");
    }
}
