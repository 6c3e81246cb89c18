using System.CommandLine;
using System.Text;
using Composer.Core.Graph;
using Composer.Core.Hosts;
using Composer.Core.Model;

namespace Composer.Cli.Commands;

/// <summary>The dependency graph: a terminal tree (each service above what it depends on), Mermaid or DOT.</summary>
internal static class GraphCommand
{
    public static Command Create(GlobalOptions global)
    {
        var format = new Option<string>("--format") { Description = "Output format. Values: [tree | mermaid | dot]", DefaultValueFactory = _ => "tree" };
        format.AcceptOnlyFromAmong("tree", "mermaid", "dot");
        var command = new Command("graph", "Print the services' dependency graph") { format };
        command.SetAction((parse, ct) => ComposerApp.Guard(() =>
        {
            var project = global.LoadProject(parse);
            var graph = DependencyGraph.Build(project);
            Console.Write(parse.GetValue(format) switch
            {
                "mermaid" => Mermaid(project, graph),
                "dot" => Dot(project, graph),
                _ => Tree(project, graph),
            });
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>What the edge means, when it is more than "started first": the condition, or the kind of reference.</summary>
    internal static string? EdgeLabel(Project project, Edge e) => e.Kind switch
    {
        not EdgeKind.DependsOn => e.Kind.Text(),
        _ => project.Services[e.From].DependsOn.TryGetValue(e.To, out var d)
            ? string.Join(", ", new[] { d.Condition == DependencyCondition.Started ? null : d.Condition, d.Required ? null : "required: false", d.Restart ? "restart: true" : null }.OfType<string>()) is { Length: > 0 } l ? l : null
            : null,
    };

    private static IEnumerable<Edge> Edges(DependencyGraph graph, string service) =>
        // links, network_mode and volumes_from also imply a depends_on entry: show the specific kind, not the implied one.
        graph.EdgesFrom(service).GroupBy(e => e.To)
            .Select(g => g.OrderBy(e => e.Kind == EdgeKind.DependsOn ? 1 : 0).ThenBy(e => e.Kind).First())
            .OrderBy(e => e.To, StringComparer.Ordinal);

    internal static string Tree(Project project, DependencyGraph graph)
    {
        var sb = new StringBuilder();
        var roots = graph.Nodes.Where(n => !graph.DependentsOf(n).Any()).Order(StringComparer.Ordinal);
        void Walk(string node, string indent)
        {
            var edges = Edges(graph, node).ToList();
            for (var i = 0; i < edges.Count; i++)
            {
                var last = i == edges.Count - 1;
                var label = EdgeLabel(project, edges[i]);
                sb.Append(indent).Append(last ? "└── " : "├── ").Append(edges[i].To).Append(OnHost(project, edges[i].To)).Append(label is null ? "" : $" ({label})").Append('\n');
                Walk(edges[i].To, indent + (last ? "    " : "│   "));
            }
        }
        foreach (var root in roots)
        {
            sb.Append(root).Append(OnHost(project, root)).Append('\n');
            Walk(root, "");
        }
        return sb.ToString();
    }

    /// <summary>A multi-host project's services say where they run: <c>db @a</c>.</summary>
    private static string OnHost(Project project, string service) =>
        project.IsMultiHost() && project.Services.TryGetValue(service, out var s) ? $" @{s.HostOf()}" : "";

    /// <summary>A multi-host project's services, grouped by host.</summary>
    private static IEnumerable<IGrouping<string, string>> ByHost(Project project, DependencyGraph graph) =>
        project.IsMultiHost()
            ? graph.Nodes.Where(project.Services.ContainsKey).GroupBy(n => project.Services[n].HostOf()).OrderBy(g => g.Key, StringComparer.Ordinal)
            : [];

    internal static string Mermaid(Project project, DependencyGraph graph)
    {
        var sb = new StringBuilder("graph TD\n");
        foreach (var host in ByHost(project, graph))
            sb.Append($"  subgraph {host.Key}\n").Append(string.Concat(host.Order(StringComparer.Ordinal).Select(n => $"    {n}\n"))).Append("  end\n");
        foreach (var node in graph.Nodes.Order(StringComparer.Ordinal))
        {
            var edges = Edges(graph, node).ToList();
            if (edges.Count == 0 && !graph.DependentsOf(node).Any()) sb.Append($"  {node}\n");
            foreach (var e in edges)
                sb.Append(EdgeLabel(project, e) is { } l ? $"  {node} -->|{l}| {e.To}\n" : $"  {node} --> {e.To}\n");
        }
        return sb.ToString();
    }

    internal static string Dot(Project project, DependencyGraph graph)
    {
        var sb = new StringBuilder($"digraph \"{project.Name}\" {{\n");
        foreach (var host in ByHost(project, graph))
            sb.Append($"  subgraph \"cluster_{host.Key}\" {{ label=\"{host.Key}\"; ").Append(string.Concat(host.Order(StringComparer.Ordinal).Select(n => $"\"{n}\"; "))).Append("}\n");
        foreach (var node in graph.Nodes.Order(StringComparer.Ordinal))
        {
            sb.Append($"  \"{node}\";\n");
            foreach (var e in Edges(graph, node))
                sb.Append(EdgeLabel(project, e) is { } l ? $"  \"{node}\" -> \"{e.To}\" [label=\"{l}\"];\n" : $"  \"{node}\" -> \"{e.To}\";\n");
        }
        return sb.Append("}\n").ToString();
    }
}
