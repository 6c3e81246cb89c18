using System.CommandLine;
using System.Threading.Channels;
using Composer.Core.Engine;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

internal static class LogsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Follow log output" };
        var tail = new Option<string>("--tail", "-n") { Description = "Number of lines to show from the end of the logs for each container", DefaultValueFactory = _ => "all" };
        var timestamps = new Option<bool>("--timestamps", "-t") { Description = "Show timestamps" };
        var noColor = new Option<bool>("--no-color") { Description = "Produce monochrome output" };
        var noPrefix = new Option<bool>("--no-log-prefix") { Description = "Don't print prefix in logs" };
        var services = new Argument<string[]>("SERVICE") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("logs", "View output from containers");
        foreach (var o in new Option[] { follow, tail, timestamps, noColor, noPrefix }) command.Add(o);
        command.Add(services);

        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var view = await actions.LogsAsync(new LogsRequest(name, parse.GetValue(services) ?? [], parse.GetValue(follow), parse.GetValue(tail), parse.GetValue(timestamps)), ct);
            var ansi = parse.GetValue(global.Ansi) ?? "auto";
            var color = !parse.GetValue(noColor) && ansi != "never" && (ansi == "always" || !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));
            var printer = new Output.LogPrinter(view.Containers, color, prefix: !parse.GetValue(noPrefix));
            try
            {
                await foreach (var line in view.Lines) printer.Write(line);
            }
            catch (OperationCanceledException) { }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
