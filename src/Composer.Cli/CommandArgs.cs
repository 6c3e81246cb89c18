namespace Composer.Cli;

/// <summary>
/// <c>exec SERVICE sh -c "…"</c> and <c>run SERVICE CMD -x</c>: everything after the service is the container's
/// command, never composer's options. Inserts <c>--</c> after the service so the parser leaves those words alone.
/// </summary>
internal static class CommandArgs
{
    private static readonly HashSet<string> GlobalValueOptions = ["-f", "--file", "-p", "--project-name", "--project-directory", "--env-file", "--profile", "--parallel", "--progress", "--ansi"];
    private static readonly Dictionary<string, HashSet<string>> ValueOptions = new()
    {
        ["exec"] = ["-e", "--env", "-w", "--workdir", "-u", "--user", "--index"],
        ["run"] = ["-e", "--env", "--name", "-w", "--workdir", "-u", "--user", "--entrypoint", "-l", "--label", "-p", "--publish", "-v", "--volume"],
    };

    public static string[] Separate(string[] args)
    {
        var i = 0;
        while (i < args.Length && args[i].StartsWith('-'))
            i += GlobalValueOptions.Contains(args[i]) ? 2 : 1;
        if (i >= args.Length || !ValueOptions.TryGetValue(args[i], out var valueOptions)) return args;
        for (var j = i + 1; j < args.Length; j++)
        {
            if (args[j] == "--") return args;
            if (args[j].StartsWith('-')) { if (valueOptions.Contains(args[j]) || GlobalValueOptions.Contains(args[j])) j++; continue; }
            // args[j] is the service: the rest is the command.
            return j + 1 < args.Length ? [.. args[..(j + 1)], "--", .. args[(j + 1)..]] : args;
        }
        return args;
    }
}
