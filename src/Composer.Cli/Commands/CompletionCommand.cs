using System.CommandLine;
using System.CommandLine.Completions;
using Composer.Core.Diagnostics;
using Composer.Core.Loading;

namespace Composer.Cli.Commands;

/// <summary>
/// <c>composer completion bash|zsh|fish</c> prints a script for the shell; the script asks the hidden
/// <c>composer __complete -- WORDS… CURRENT</c> for candidates, so commands and flags always match this binary and
/// service and profile names come from the compose file of the directory the user is in.
/// </summary>
internal static class CompletionCommand
{
    public const string CompleteCommandName = "__complete";

    public static void AddTo(RootCommand root, GlobalOptions global)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var completion = new Command("completion", "Print a shell completion script (bash, zsh or fish)") { shell };
        completion.SetAction(parse =>
        {
            Console.Out.Write(CompletionScripts.For(parse.GetValue(shell)!));
            return ExitCodes.Ok;
        });
        root.Add(completion);

        var words = new Argument<string[]>("WORDS") { Arity = ArgumentArity.ZeroOrMore };
        var complete = new Command(CompleteCommandName, "Print completion candidates for the words of a command line") { Hidden = true };
        complete.Add(words);
        complete.SetAction(parse =>
        {
            var all = parse.GetValue(words) ?? [];
            var current = all.Length > 0 ? all[^1] : "";
            foreach (var candidate in Candidates(root, global, all.Length > 0 ? all[..^1] : [], current, Directory.GetCurrentDirectory()))
                Console.Out.WriteLine(candidate);
            return ExitCodes.Ok;
        });
        root.Add(complete);
    }

    /// <summary>What may stand in place of <paramref name="current"/> after <paramref name="before"/> (the words after "composer").</summary>
    public static IEnumerable<string> Candidates(RootCommand root, GlobalOptions global, IReadOnlyList<string> before, string current, string workingDirectory)
    {
        Command command = root;
        var positional = 0;
        var files = new List<string>();
        string? projectDirectory = null;
        Option? pendingValue = null;
        var afterDoubleDash = false;
        foreach (var word in before)
        {
            if (pendingValue is not null)
            {
                if (pendingValue == global.File) files.Add(word);
                if (pendingValue == global.ProjectDirectory) projectDirectory = word;
                pendingValue = null;
                continue;
            }
            if (word == "--") { afterDoubleDash = true; continue; }
            if (!afterDoubleDash && word.StartsWith('-'))
            {
                var option = FindOption(root, command, word.Split('=')[0]);
                if (option is not null && TakesValue(option) && !word.Contains('=')) pendingValue = option;
                continue;
            }
            var sub = positional == 0 ? command.Subcommands.FirstOrDefault(c => !c.Hidden && (c.Name == word || c.Aliases.Contains(word))) : null;
            if (sub is not null) { command = sub; continue; }
            positional++;
        }

        IEnumerable<string> result;
        if (pendingValue is not null)
        {
            // The value of an option: profiles by name, choices where the option has them; files are the shell's.
            result = pendingValue == global.Profile ? Names(workingDirectory, files, projectDirectory).Profiles
                : pendingValue.GetCompletions(CompletionContext.Empty).Select(c => c.Label);
        }
        else if (current.StartsWith('-') && !afterDoubleDash)
        {
            result = OptionsOf(root, command).SelectMany(o => new[] { o.Name }.Concat(o.Aliases));
        }
        else
        {
            var subcommands = positional == 0 ? command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name) : [];
            var argument = ArgumentAt(command, positional);
            var services = argument?.Name == "SERVICE" ? Names(workingDirectory, files, projectDirectory).Services : [];
            result = subcommands.Concat(services);
        }
        return result.Where(c => c.StartsWith(current, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal);
    }

    private static bool TakesValue(Option option) => option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;

    /// <summary>The command's own options, then the root's recursive ones (the global flags, --help).</summary>
    private static IEnumerable<Option> OptionsOf(RootCommand root, Command command) =>
        command.Options.Concat(command == root ? [] : root.Options.Where(o => o.Recursive)).Where(o => !o.Hidden);

    private static Option? FindOption(RootCommand root, Command command, string name) =>
        OptionsOf(root, command).FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));

    /// <summary>The argument a positional word at this index fills (the last one takes the rest when it repeats).</summary>
    private static Argument? ArgumentAt(Command command, int index)
    {
        foreach (var argument in command.Arguments)
        {
            if (index < argument.Arity.MaximumNumberOfValues) return argument;
            index -= argument.Arity.MaximumNumberOfValues;
        }
        return null;
    }

    /// <summary>Every service and profile of the compose file, disabled ones included; none when it does not load.</summary>
    private static (IEnumerable<string> Services, IEnumerable<string> Profiles) Names(string workingDirectory, List<string> files, string? projectDirectory)
    {
        try
        {
            var result = new ProjectLoader().Load(ProjectOptions.FromProcess(workingDirectory) with
            {
                ConfigFiles = [.. files], ProjectDirectory = projectDirectory, Profiles = ["*"],
            });
            if (!result.Success) return ([], []);
            var project = result.GetProjectOrThrow();
            var services = project.Services.Values.Concat(project.DisabledServices.Values).ToList();
            return (services.Select(s => s.Name), services.SelectMany(s => s.Profiles));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ComposeFileException)
        {
            return ([], []);
        }
    }
}

/// <summary>The scripts; each asks <c>composer __complete</c> and falls back to the shell's file names when it offers nothing.</summary>
internal static class CompletionScripts
{
    public static string For(string shell) => shell switch
    {
        "zsh" => Zsh,
        "fish" => Fish,
        _ => Bash,
    };

    private const string Bash = """
        # bash completion for composer: source it, or put `eval "$(composer completion bash)"` in ~/.bashrc
        _composer() {
            local cur=${COMP_WORDS[COMP_CWORD]}
            local IFS=$'\n'
            local candidates
            candidates=$(command composer __complete -- "${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null)
            COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
            # Nothing to offer (a file after -f, a command for exec): the shell's own file names.
            if [ ${#COMPREPLY[@]} -eq 0 ]; then compopt -o default 2>/dev/null; fi
        }
        complete -F _composer composer

        """;

    private const string Zsh = """
        #compdef composer
        # zsh completion for composer: put `source <(composer completion zsh)` in ~/.zshrc (after compinit)
        _composer() {
            local -a candidates
            candidates=("${(@f)$(command composer __complete -- "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}" 2>/dev/null)}")
            candidates=(${candidates:#})
            if (( ${#candidates} )); then compadd -a candidates; else _files; fi
        }
        compdef _composer composer

        """;

    private const string Fish = """
        # fish completion for composer: composer completion fish > ~/.config/fish/completions/composer.fish
        function __composer_complete
            set -l words (commandline -opc)
            composer __complete -- $words[2..-1] (commandline -ct) 2>/dev/null
        end
        complete -c composer -f -a '(__composer_complete)'

        """;
}
