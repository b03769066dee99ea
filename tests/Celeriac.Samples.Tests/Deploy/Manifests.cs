using YamlDotNet.RepresentationModel;

namespace Celeriac.Samples.Tests.Deploy;

/// <summary>Every document of every YAML file under deploy/k8s, parsed with YamlDotNet.</summary>
internal sealed class Manifests
{
    private Manifests(IReadOnlyList<Manifest> all) => All = all;

    public IReadOnlyList<Manifest> All { get; }

    public static Manifests Load()
    {
        var all = new List<Manifest>();
        foreach (var file in Directory.GetFiles(RepositoryFiles.Path("deploy", "k8s"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file)) stream.Load(reader);
            foreach (var document in stream.Documents)
                all.Add(new Manifest(Path.GetFileName(file), (YamlMappingNode)document.RootNode));
        }
        return new Manifests(all);
    }

    /// <summary>The Kubernetes objects (the kustomization excluded).</summary>
    public IEnumerable<Manifest> Objects => All.Where(m => m.Kind != "Kustomization");

    public IEnumerable<Manifest> OfKind(string kind) => All.Where(m => m.Kind == kind);

    public Manifest Single(string kind, string name) =>
        All.SingleOrDefault(m => m.Kind == kind && m.Name == name) ?? throw new InvalidOperationException($"no {kind} named {name} in deploy/k8s");

    /// <summary>A ConfigMap's data or a Secret's stringData, by name.</summary>
    public IReadOnlyDictionary<string, string> Data(string kind, string name) =>
        Single(kind, name).Root.Map(kind == "Secret" ? "stringData" : "data").Children
            .ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);

    /// <summary>
    /// The environment a container sees, in Kubernetes' order: <c>envFrom</c> sources first, then <c>env</c>,
    /// which wins. A missing ConfigMap or Secret throws, naming it.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(YamlMappingNode container)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.SeqOrEmpty("envFrom").Cast<YamlMappingNode>())
        {
            var (kind, key) = source.Has("configMapRef") ? ("ConfigMap", "configMapRef") : ("Secret", "secretRef");
            foreach (var (name, value) in Data(kind, source.Map(key).Scalar("name"))) env[name] = value;
        }
        foreach (var variable in container.SeqOrEmpty("env").Cast<YamlMappingNode>())
            env[variable.Scalar("name")] = variable.Scalar("value");
        return env;
    }
}

/// <summary>One document: a Kubernetes object or the kustomization.</summary>
internal sealed record Manifest(string File, YamlMappingNode Root)
{
    public string Kind => Root.Scalar("kind");

    public string Name => Root.Has("metadata") ? Root.Map("metadata").Scalar("name") : "";

    public override string ToString() => $"{Kind}/{Name} ({File})";

    /// <summary>A Deployment's pod template spec.</summary>
    public YamlMappingNode PodSpec => Root.Map("spec").Map("template").Map("spec");

    public IReadOnlyList<YamlMappingNode> Containers => PodSpec.Seq("containers").Cast<YamlMappingNode>().ToList();

    public IReadOnlyDictionary<string, string> TemplateLabels => Root.Map("spec").Map("template").Map("metadata").Map("labels").Strings();
}

/// <summary>Path access on YamlDotNet's nodes that fails with the key it missed.</summary>
internal static class YamlNodes
{
    public static bool Has(this YamlMappingNode node, string key) => node.Children.ContainsKey(new YamlScalarNode(key));

    public static YamlNode Get(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : throw new KeyNotFoundException($"'{key}' missing at line {node.Start.Line}");

    public static YamlMappingNode Map(this YamlMappingNode node, string key) => (YamlMappingNode)node.Get(key);

    public static YamlSequenceNode Seq(this YamlMappingNode node, string key) => (YamlSequenceNode)node.Get(key);

    public static IEnumerable<YamlNode> SeqOrEmpty(this YamlMappingNode node, string key) => node.Has(key) ? node.Seq(key) : [];

    public static string Scalar(this YamlMappingNode node, string key) => ((YamlScalarNode)node.Get(key)).Value!;

    public static int Int(this YamlMappingNode node, string key) => int.Parse(node.Scalar(key), System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyDictionary<string, string> Strings(this YamlMappingNode node) =>
        node.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);
}
