using LineConnector.Core.Line.Api;

namespace LineConnector.Functions.Enquiries;

/// <summary>200 with a user's content as LINE's content API answered it: its Content-Type and Content-Length, the bytes streamed through.</summary>
public sealed class LineContentResult(MessageContent content) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        using (content)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = content.ContentType ?? "application/octet-stream";
            response.ContentLength = content.Length;
            await content.Content!.CopyToAsync(response.Body, httpContext.RequestAborted);
        }
    }
}
