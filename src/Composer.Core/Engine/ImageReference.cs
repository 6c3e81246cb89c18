namespace Composer.Core.Engine;

public static class ImageReference
{
    /// <summary>Repository and tag (or digest) of an image reference; "latest" when none is given.</summary>
    public static (string Repository, string Tag) Split(string image)
    {
        var at = image.IndexOf('@');
        if (at >= 0) return (image[..at], image[(at + 1)..]);
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }
}
