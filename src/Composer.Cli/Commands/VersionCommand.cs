using System.CommandLine;
using Composer.Core.Model;

namespace Composer.Cli.Commands;

internal static class VersionCommand
{
    public static Command Create()
    {
        var shortOpt = new Option<bool>("--short") { Description = "Shows only Composer's version number" };
        var command = new Command("version", "Show the Composer version information");
        command.Add(shortOpt);
        command.SetAction(parse =>
        {
            // The docker CLI's form: "Docker version 28.2.2, build e6534b4".
            var build = BuildInfo.Commit is { } commit ? $", build {commit[..Math.Min(12, commit.Length)]}" : "";
            Console.WriteLine(parse.GetValue(shortOpt) ? BuildInfo.Version : $"Composer version {BuildInfo.Version}{build}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
