namespace Composer.IntegrationTests.Ecosystem;

/// <summary>Issue 15 (completion): the bash script, sourced in a real bash, completes from the compose file.</summary>
public class CompletionTests
{
    private const string Compose = """
        services:
          db:
            image: composer-busybox:1
          debugger:
            image: composer-busybox:1
            profiles: [debug]
          web:
            image: composer-busybox:1
        """;

    /// <summary>What bash's programmable completion offers for the words, the last one being completed (as Tab does).</summary>
    private static async Task<string[]> CompleteAsync(string directory, string bin, params string[] words)
    {
        var quoted = string.Join(' ', words.Select(w => $"'{w}'"));
        var script = "source <(composer completion bash)\n"
            + $"COMP_WORDS=({quoted}); COMP_CWORD={words.Length - 1}\n"
            + "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}\n"
            + "_composer\n"
            + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        var result = await Processes.RunAsync("bash", ["--norc", "--noprofile", "-c", script], directory,
            new Dictionary<string, string?> { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") });
        result.ExitCode.Should().Be(0, result.ToString());
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Bash_completes_services_commands_flags_and_profiles_from_the_compose_file_here()
    {
        var dir = Processes.TempDirectory("completion");
        try
        {
            var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
            Processes.ComposerCommandIn(bin);
            await File.WriteAllTextAsync(Path.Combine(dir, "compose.yaml"), Compose);

            (await CompleteAsync(dir, bin, "composer", "up", "d")).Should().BeEquivalentTo("db", "debugger");
            (await CompleteAsync(dir, bin, "composer", "up", "w")).Should().BeEquivalentTo("web");
            (await CompleteAsync(dir, bin, "composer", "lo")).Should().BeEquivalentTo("logs");
            (await CompleteAsync(dir, bin, "composer", "up", "--wa")).Should().BeEquivalentTo("--wait", "--wait-timeout", "--watch");
            (await CompleteAsync(dir, bin, "composer", "--profile", "")).Should().BeEquivalentTo("debug");
            (await CompleteAsync(dir, bin, "composer", "exec", "db", "")).Should().NotContain("web", "after the service comes the container's command");
        }
        finally
        {
            Processes.TryDelete(dir);
        }
    }

    [Theory]
    [InlineData("zsh", "compdef _composer composer")]
    [InlineData("fish", "complete -c composer")]
    public async Task Zsh_and_fish_scripts_ask_composer_for_candidates(string shell, string registration)
    {
        var dir = Processes.TempDirectory("completion");
        try
        {
            var result = await Support.ComposerCli.RunAsync(dir, ["completion", shell]);
            result.ExitCode.Should().Be(0, result.ToString());
            result.Stdout.Should().Contain(registration).And.Contain("composer __complete --");
        }
        finally
        {
            Processes.TryDelete(dir);
        }
    }
}
