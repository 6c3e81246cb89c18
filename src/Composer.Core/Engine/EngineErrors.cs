namespace Composer.Core.Engine;

/// <summary>An engine call failed in a way the user can act on; the message names what and why.</summary>
public class EngineException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class ImageNotFoundException(string image, string detail, Exception? inner = null)
    : EngineException($"image \"{image}\" could not be pulled: {detail}", inner)
{
    public string Image { get; } = image;
    public string Detail { get; } = detail;
}

/// <summary>
/// A dependency will never meet its condition: it exited non-zero, or turned unhealthy. The message is Compose's:
/// <c>service "x" didn't complete successfully: exit 1</c>, <c>dependency failed to start: container x is unhealthy</c>.
/// </summary>
public sealed class ConditionFailedException(string container, string condition, string message, int? exitCode = null)
    : EngineException(message)
{
    public string Condition { get; } = condition;
    public string Container { get; } = container;
    public int? ExitCode { get; } = exitCode;
}
