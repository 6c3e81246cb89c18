using System.CommandLine;
using Composer.Core.Planning;

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
            Console.WriteLine(parse.GetValue(shortOpt) ? ContainerSpecBuilder.ComposerVersion : $"Composer version {ContainerSpecBuilder.ComposerVersion}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
