<?xml version="1.0" encoding="utf-8"?>
<!--
  Gives a harvested fragment (heat.exe dir, or wixl-heat) the per-user shape the ICE rules ask of
  files installed to the user profile (%LOCALAPPDATA%\Programs\CRM Desktop), like the components
  written by hand in crm-desktop.wxs:
    ICE38  every component's KeyPath is a registry value under HKCU, not its file;
    ICE64  every folder made in the profile is removed on uninstall (a RemoveFolder in the first
           component of each folder).
  A component with a registry KeyPath and a file cannot have an automatically generated GUID in
  WiX 3 (candle error CNDL0230), so the harvest must write real ones (heat -gg); Guid="*" stops here.
  Used as heat.exe dir ... -t per-user.xslt in .github/workflows/desktop.yml, and with xsltproc
  in check-wxs.sh.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:wix="http://schemas.microsoft.com/wix/2006/wi"
                xmlns="http://schemas.microsoft.com/wix/2006/wi"
                exclude-result-prefixes="wix">
  <xsl:output method="xml" encoding="utf-8" indent="yes" />

  <!-- Everything else is copied as it is. -->
  <xsl:template match="@*|node()">
    <xsl:copy>
      <xsl:apply-templates select="@*|node()" />
    </xsl:copy>
  </xsl:template>

  <xsl:template match="wix:Component[wix:File]">
    <xsl:if test="not(@Guid) or @Guid = '*' or @Guid = '' or @Guid = 'PUT-GUID-HERE'">
      <xsl:message terminate="yes">per-user.xslt: component <xsl:value-of select="@Id" /> needs a real GUID (harvest with heat -gg)</xsl:message>
    </xsl:if>
    <xsl:copy>
      <xsl:apply-templates select="@*|node()" />
      <RegistryValue Root="HKCU" Key="Software\crm-desktop\Installer\QtRuntime" Name="{@Id}"
                     Type="integer" Value="1" KeyPath="yes" />
      <xsl:if test="not(preceding-sibling::wix:Component)">
        <RemoveFolder Id="rm{@Id}" On="uninstall" />
      </xsl:if>
    </xsl:copy>
  </xsl:template>

  <!-- The file stays, no longer the KeyPath. -->
  <xsl:template match="wix:Component[wix:File]/wix:File">
    <xsl:copy>
      <xsl:apply-templates select="@*[local-name() != 'KeyPath']" />
      <xsl:attribute name="KeyPath">no</xsl:attribute>
      <xsl:apply-templates select="node()" />
    </xsl:copy>
  </xsl:template>
</xsl:stylesheet>
