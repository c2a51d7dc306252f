<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- English plural forms for the strings that count ("%n"). Source strings are English already;
     only the numerus ones need a translation, so "1 change" and "2 changes" read right. -->
<TS version="2.1" language="en">
<context>
    <name>crm::SyncStatus</name>
    <message numerus="yes">
        <source>Offline: %n change(s) waiting</source>
        <translation>
            <numerusform>Offline: %n change waiting</numerusform>
            <numerusform>Offline: %n changes waiting</numerusform>
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
</TS>
