using System.CommandLine;
using System.Text.Json;
using Composer.Core.Model;

namespace Composer.Cli.Commands;

/// <summary>The Compose projects on this engine, from the labels of their containers (one list call).</summary>
internal static class LsCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show all stopped Compose projects" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display project names" };
        var format = new Option<string>("--format") { Description = "Format the output. Values: [table | json]", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("ls", "List running compose projects") { all, quiet, format };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            using var engine = await GlobalOptions.ConnectAsync(ct);
            var containers = await engine.AllProjectContainersAsync(ct);
            var projects = containers.GroupBy(c => c.Labels[ComposeLabels.Project], StringComparer.Ordinal)
                .Select(g => new
                {
                    Name = g.Key,
                    Running = g.Any(c => c.State == "running"),
                    Status = string.Join(", ", g.GroupBy(c => c.State).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}({s.Count()})")),
                    ConfigFiles = g.Select(c => c.Labels.GetValueOrDefault(ComposeLabels.ConfigFiles, "")).FirstOrDefault(f => f.Length > 0) ?? "",
                })
                .Where(p => parse.GetValue(all) || p.Running)
                .OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            if (parse.GetValue(quiet))
                foreach (var p in projects) Console.WriteLine(p.Name);
            else if (parse.GetValue(format) == "json")
                Console.WriteLine(JsonTree.Serialize(projects.Select(p => new Dictionary<string, string> { ["Name"] = p.Name, ["Status"] = p.Status, ["ConfigFiles"] = p.ConfigFiles })));
            else
                Table.Write(Console.Out, ["NAME", "STATUS", "CONFIG FILES"], projects.Select(p => new[] { p.Name, p.Status, p.ConfigFiles }));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
