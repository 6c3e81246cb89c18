using System.Diagnostics;
using System.Text;
using Composer.Core.Graph;
using Composer.Core.Loading;

// Usage: LoaderBench <output-dir> [services] [iterations]
// Writes <output-dir>/compose.yaml with N services, then measures load + validate + graph in process.
// LoaderBench --stages FILE: one pass over FILE, each stage timed once (for the size series in docs/benchmarks.md).
if (args is ["--stages", var stagesFile])
{
    OneShotStages(stagesFile);
    return;
}
var dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "composer-loader-bench");
var services = args.Length > 1 ? int.Parse(args[1]) : 1000;
var iterations = args.Length > 2 ? int.Parse(args[2]) : 30;
Directory.CreateDirectory(dir);
File.WriteAllText(Path.Combine(dir, "compose.yaml"), Generate(services));
File.WriteAllText(Path.Combine(dir, ".env"), "TAG=1.27\nLOG_LEVEL=info\n");

var options = new ProjectOptions { WorkingDirectory = dir };
double Run()
{
    var sw = Stopwatch.StartNew();
    var result = new ProjectLoader().Load(options);
    var project = result.GetProjectOrThrow();
    var graph = DependencyGraph.Build(project);
    if (graph.TopologicalOrder().Count != services) throw new InvalidOperationException("graph lost services");
    return sw.Elapsed.TotalMilliseconds;
}

for (var i = 0; i < 5; i++) Run(); // warmup: JIT, schema load
var times = Enumerable.Range(0, iterations).Select(_ => Run()).Order().ToList();
Console.WriteLine($"services: {services}, iterations: {iterations}");
Stages(Path.Combine(dir, "compose.yaml"));
Console.WriteLine($"in-process load+validate+graph: median {times[times.Count / 2]:F1} ms, min {times[0]:F1} ms, p90 {times[(int)(times.Count * 0.9)]:F1} ms");

// Where the time goes, stage by stage (medians), to keep the loader honest as it grows.
void Stages(string file)
{
    var text = File.ReadAllText(file);
    var vars = new Dictionary<string, string> { ["TAG"] = "1.27", ["LOG_LEVEL"] = "info" };
    var stages = new Dictionary<string, List<double>>();
    void Time(string name, Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        (stages.TryGetValue(name, out var l) ? l : stages[name] = []).Add(sw.Elapsed.TotalMilliseconds);
    }
    for (var i = 0; i < iterations; i++)
    {
        var bag = new Composer.Core.Diagnostics.DiagnosticBag();
        Composer.Core.Loading.Yaml.YNode? doc = null;
        Time("yaml-events", () =>
        {
            var parser = new YamlDotNet.Core.Parser(new YamlDotNet.Core.Scanner(new StringReader(text), skipComments: true));
            while (parser.MoveNext()) { }
        });
        Time("parse", () => doc = Composer.Core.Loading.Yaml.YamlReader.Parse(text, file, bag));
        Time("interpolate", () => doc = YamlTransforms.Interpolate(doc!, k => vars.GetValueOrDefault(k), bag));
        Time("fingerprint", () => ValidationFingerprint.Of(doc!));
        Time("schema", () => SchemaValidator.Validate(doc!, bag));
        Composer.Core.Model.Project? project = null;
        Time("normalize", () => project = new Normalizer(new NormalizerContext(dir, [file], k => vars.GetValueOrDefault(k), File.ReadAllText), bag)
            .Normalize((Composer.Core.Loading.Yaml.YMapping)doc!, "bench"));
        Time("graph", () => DependencyGraph.Build(project!, bag));
    }
    Console.WriteLine("stages (median ms): " + string.Join(", ", stages.Select(kv => $"{kv.Key} {kv.Value.Order().ElementAt(kv.Value.Count / 2):F1}")));
}

static void OneShotStages(string file)
{
    var bag = new Composer.Core.Diagnostics.DiagnosticBag();
    var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
    var sw = Stopwatch.StartNew();
    var text = File.ReadAllText(file);
    var doc = Composer.Core.Loading.Yaml.YamlReader.Parse(text, file, bag);
    Console.Write($"parse {sw.ElapsedMilliseconds} ms");
    sw.Restart();
    doc = YamlTransforms.Interpolate(doc!, _ => null, bag);
    Console.Write($", interpolate {sw.ElapsedMilliseconds} ms");
    sw.Restart();
    SchemaValidator.Validate(doc!, bag);
    Console.Write($", schema {sw.ElapsedMilliseconds} ms");
    sw.Restart();
    var project = new Normalizer(new NormalizerContext(dir, [file], _ => null, File.ReadAllText), bag).Normalize((Composer.Core.Loading.Yaml.YMapping)doc!, "bench");
    Console.Write($", normalize {sw.ElapsedMilliseconds} ms");
    sw.Restart();
    DependencyGraph.Build(project, bag);
    Console.WriteLine($", graph {sw.ElapsedMilliseconds} ms; errors: {bag.Errors.Count()}");
}

static string Generate(int n)
{
    // Services in tiers of 50; each depends on two services of the tier below, has ports, volumes, a healthcheck.
    var sb = new StringBuilder("name: bench\nx-common: &common\n  restart: unless-stopped\n  labels:\n    com.example.bench: \"true\"\nservices:\n");
    for (var i = 0; i < n; i++)
    {
        sb.Append($"  svc{i}:\n    <<: *common\n    image: \"nginx:${{TAG}}\"\n");
        sb.Append($"    environment:\n      LOG_LEVEL: ${{LOG_LEVEL}}\n      INDEX: \"{i}\"\n      - PLACEHOLDER\n".Replace("      - PLACEHOLDER\n", ""));
        sb.Append($"    ports:\n      - \"{10000 + i}:80\"\n");
        sb.Append($"    volumes:\n      - data{i % 10}:/data\n      - ./conf/{i}:/etc/conf:ro\n");
        sb.Append("    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 30s\n      timeout: 5s\n      retries: 3\n");
        sb.Append("    networks: [front, back]\n");
        if (i >= 50) sb.Append($"    depends_on:\n      svc{i - 50}:\n        condition: service_started\n      svc{i - 50 + (i % 50 == 49 ? -1 : 1)}:\n        condition: service_healthy\n");
    }
    sb.Append("networks:\n  front:\n  back:\nvolumes:\n");
    for (var v = 0; v < 10; v++) sb.Append($"  data{v}:\n");
    return sb.ToString();
}
