<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- English plural forms for the strings that count ("%n"). Source strings are English already;
     only the numerus ones need a translation, so "1 change" and "2 changes" read right. -->
<TS version="2.1" language="en">
<context>
    <name>crm::SyncStatus</name>
    <message numerus="yes">
        <source>%n change(s) waiting</source>
        <translation>
            <numerusform>%n change waiting</numerusform>
            <numerusform>%n changes waiting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) refused</source>
        <translation>
            <numerusform>%n change refused</numerusform>
            <numerusform>%n changes refused</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s) to resolve</source>
        <translation>
            <numerusform>%n conflict to resolve</numerusform>
            <numerusform>%n conflicts to resolve</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) sending</source>
        <translation>
            <numerusform>%n change sending</numerusform>
            <numerusform>%n changes sending</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>crm::NotificationBell</name>
    <message numerus="yes">
        <source>%n unread notification(s)</source>
        <translation>
            <numerusform>%n unread notification</numerusform>
            <numerusform>%n unread notifications</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>crm::TaskCardStack</name>
    <message numerus="yes">
        <source>+%n more task(s) – show history</source>
        <translation>
            <numerusform>+%n more task – show history</numerusform>
            <numerusform>+%n more tasks – show history</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>crm::TaskHistoryPanel</name>
    <message numerus="yes">
        <source>%n task(s) running</source>
        <translation>
            <numerusform>%n task running</numerusform>
            <numerusform>%n tasks running</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>crm::ValueText</name>
    <message numerus="yes">
        <source>%n character(s) too long: at most %1</source>
        <translation>
            <numerusform>%n character too long: at most %1</numerusform>
            <numerusform>%n characters too long: at most %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>crm::MainWindow</name>
    <message numerus="yes">
        <source>You have unsaved changes in %n record(s). Quitting discards them.</source>
        <translation>
            <numerusform>You have unsaved changes in %n record. Quitting discards them.</numerusform>
            <numerusform>You have unsaved changes in %n records. Quitting discards them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) not sent yet. They are kept on this computer and sent the next time you open CRM Desktop with this account.</source>
        <translation>
            <numerusform>%n change not sent yet. It is kept on this computer and sent the next time you open CRM Desktop with this account.</numerusform>
            <numerusform>%n changes not sent yet. They are kept on this computer and sent the next time you open CRM Desktop with this account.</numerusform>
        </translation>
    </message>
</context>
</TS>
